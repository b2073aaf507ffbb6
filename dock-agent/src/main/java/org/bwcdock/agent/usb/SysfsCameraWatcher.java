package org.bwcdock.agent.usb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Notices block devices coming and going from sysfs alone (the kernel names under
 * /sys/class/block, compared every tick: cheap, and visible under the unit's PrivateDevices),
 * plus inotify on /dev/disk/by-id where that is visible, a periodic full rescan as the safety net,
 * and a debounce so that a camera that re-enumerates (USB reset while charging) is not reported
 * as leaving and coming back. Bay ports are locked against anything but mass storage first
 * ({@link BayPortGuard}), without debounce.
 */
final class SysfsCameraWatcher implements CameraWatcher {
    private static final Logger log = LoggerFactory.getLogger(SysfsCameraWatcher.class);
    private static final long TICK_MILLIS = 100;

    private final UsbSettings settings;
    private final CameraListener listener;
    private final Sysfs sysfs;
    private final BayPortGuard guard;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean rescanRequested;

    /** What listeners were told is docked, by port. */
    private final Map<String, UsbDevice> reported = new HashMap<>();
    /** Since when the raw view of a port has differed from {@link #reported}. */
    private final Map<String, Long> differingSince = new HashMap<>();
    private final Set<String> ignoredNow = new HashSet<>();
    /** Bay ports holding a device that is not (only) mass storage: never docked. */
    private Set<String> locked = Set.of();
    private WatchService watch;
    private WatchKey watchKey;
    private Set<String> blockNames = Set.of();

    SysfsCameraWatcher(UsbSettings settings, CameraListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.sysfs = new Sysfs(settings.sysRoot(), settings.devRoot());
        this.guard = new BayPortGuard(sysfs, settings.portToBay(), listener);
        this.thread = new Thread(this::run, "bwcdock-usb-watch");
    }

    @Override
    public void start() {
        running = true;
        thread.start();
    }

    @Override
    public void rescan() {
        rescanRequested = true;
    }

    private void run() {
        long nextRescan = 0;
        Map<String, UsbDevice> raw = Map.of();
        try {
            watch = FileSystems.getDefault().newWatchService();
            while (running) {
                boolean changed = waitForChange();
                Set<String> names = sysfs.blockNames();
                if (!names.equals(blockNames)) {
                    blockNames = names;
                    changed = true;
                }
                long now = System.nanoTime();
                locked = guard.check(now, this::evict);
                if (changed || rescanRequested || now - nextRescan >= 0) {
                    rescanRequested = false;
                    raw = sysfs.scan();
                    nextRescan = now + settings.rescanInterval().toNanos();
                }
                settle(raw, now);
            }
        } catch (ClosedWatchServiceException e) {
            // close() while waiting: the normal way out.
        } catch (IOException | RuntimeException e) {
            log.error("USB watcher stopped: {}", e.toString());
        } finally {
            try {
                if (watch != null) {
                    watch.close();
                }
            } catch (IOException e) {
                log.debug("closing the watch service: {}", e.toString());
            }
        }
    }

    /** Waits up to one tick for an inotify event; (re)registers the by-id directory when it appears. */
    private boolean waitForChange() throws IOException {
        Path byId = sysfs.byIdDirectory();
        if ((watchKey == null || !watchKey.isValid()) && Files.isDirectory(byId)) {
            try {
                watchKey = byId.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                return true;
            } catch (java.nio.file.NoSuchFileException gone) {
                // udev removed the directory between the check and the registration (the last disk left,
                // or a /dev without it): sysfs alone goes on noticing cameras, and the next tick looks again.
                watchKey = null;
            }
        }
        try {
            WatchKey key = watch.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
            if (key == null) {
                return false;
            }
            key.pollEvents();
            key.reset();
            return true;
        } catch (InterruptedException e) {
            running = false;
            return false;
        }
    }

    /** Reports a port's change only once it has held for the debounce interval. */
    private void settle(Map<String, UsbDevice> raw, long now) {
        Set<String> ports = new HashSet<>(raw.keySet());
        ports.addAll(reported.keySet());
        for (String port : ports) {
            UsbDevice seen = admissible(raw.get(port));
            UsbDevice told = reported.get(port);
            if (Objects.equals(identity(seen), identity(told))) {
                differingSince.remove(port);
                if (seen != null) {
                    reported.put(port, seen); // same camera, maybe a new /dev name after re-enumeration
                }
                continue;
            }
            long since = differingSince.computeIfAbsent(port, p -> now);
            if (now - since < settings.debounce().toNanos()) {
                continue;
            }
            differingSince.remove(port);
            if (told != null) {
                reported.remove(port);
                listener.undocked(settings.portToBay().get(port), told);
            }
            if (seen != null) {
                reported.put(port, seen);
                listener.docked(settings.portToBay().get(port), seen, settings.modelToProfile().get(seen.vendorProduct()));
            }
        }
        ignoredNow.retainAll(raw.keySet());
    }

    /** A bay port was locked: a camera reported docked there leaves now, not after the debounce. */
    private void evict(String port) {
        differingSince.remove(port);
        UsbDevice told = reported.remove(port);
        if (told != null) {
            listener.undocked(settings.portToBay().get(port), told);
        }
    }

    /** The device if the dock should handle it; otherwise reports it once and returns null. */
    private UsbDevice admissible(UsbDevice d) {
        if (d == null || locked.contains(d.port())) {
            return null; // a locked port is reported by the guard, not as "ignored"
        }
        String reason = null;
        if (!settings.portToBay().containsKey(d.port())) {
            reason = "USB port " + d.port() + " is not mapped to a bay";
        } else if (!settings.modelToProfile().containsKey(d.vendorProduct())) {
            reason = "USB id " + d.vendorProduct() + " is not in any camera profile";
        }
        if (reason == null) {
            return d;
        }
        if (ignoredNow.add(d.port())) {
            log.warn("ignoring {} (serial {}) on port {}: {}", d.blockName(), d.serial(), d.port(), reason);
            listener.ignored(d, reason);
        }
        return null;
    }

    /** A camera is the same camera if its model and serial are: the /dev name may change. */
    private static String identity(UsbDevice d) {
        return d == null ? null : d.vendorProduct() + "/" + d.serial();
    }

    @Override
    public void close() {
        running = false;
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException e) {
            log.debug("closing the watch service: {}", e.toString());
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
