package org.bwcdock.agent.usb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bay-port lockdown: a bay's connector is for cameras, which are USB mass storage and nothing else.
 * A device there with any other interface (a keyboard typing commands, a network adapter, a camera
 * that also presents itself as HID or CDC: the "BadUSB camera") is de-authorised, reported once per
 * appearance, and its port is never handed to the docking path, so nothing of it is mounted.
 *
 * <p>On a dock the de-authorisation is done by the udev rule 71-bwcdock-bay-lockdown.rules (as root,
 * when the device is added): the agent runs without privileges and sees /sys read-only. The agent
 * tries too (it succeeds where it may write sysfs, e.g. the simulated tree), gives the rule
 * {@link #UDEV_GRACE} to act, and reports what it finds either way. Ports of no bay are never looked at.
 */
final class BayPortGuard {
    private static final Logger log = LoggerFactory.getLogger(BayPortGuard.class);
    /** How long the agent waits for the udev rule before reporting a device it could not de-authorise. */
    static final Duration UDEV_GRACE = Duration.ofSeconds(2);

    private final Sysfs sysfs;
    private final Map<String, Integer> portToBay;
    private final CameraListener listener;
    /** Per bay port, what the agent knows of the device there now. */
    private final Map<String, Seen> seen = new HashMap<>();

    /** One appearance of a device on a port. */
    private static final class Seen {
        final String appearance;
        List<String> offered;
        long foreignSince;
        boolean attempted;
        String writeError;
        LockedDevice reported;

        Seen(String appearance) {
            this.appearance = appearance;
        }
    }

    BayPortGuard(Sysfs sysfs, Map<String, Integer> portToBay, CameraListener listener) {
        this.sysfs = sysfs;
        this.portToBay = Map.copyOf(portToBay);
        this.listener = listener;
    }

    /**
     * Looks at every bay port; returns the ports that must not dock (locked, or waiting for the udev
     * rule). {@code evict} is called for such a port before it is reported, so that a camera docked
     * there is undocked first.
     */
    Set<String> check(long now, Consumer<String> evict) {
        Set<String> locked = new HashSet<>();
        for (Map.Entry<String, Integer> e : portToBay.entrySet()) {
            if (check(e.getKey(), e.getValue(), now, evict)) {
                locked.add(e.getKey());
            }
        }
        return locked;
    }

    private boolean check(String port, int bay, long now, Consumer<String> evict) {
        Optional<PortDevice> present = sysfs.portDevice(port);
        Seen s = seen.get(port);
        if (present.isEmpty() || s != null && !s.appearance.equals(present.get().appearance())) {
            if (s != null && s.reported != null) {
                log.info("bay {}: the locked-out device left port {}", bay, port);
                listener.portCleared(bay, s.reported);
            }
            seen.remove(port);
            s = null;
            if (present.isEmpty()) {
                return false;
            }
        }
        PortDevice d = present.get();
        if (s == null) {
            s = new Seen(d.appearance());
            seen.put(port, s);
        }
        if (s.reported != null) {
            return true; // reported once per appearance; the agent does not write sysfs again
        }
        if (!d.authorized()) {
            evict.accept(port);
            report(bay, d, s, true, s.attempted && s.writeError == null ? "de-authorised by the agent"
                    : "de-authorised by the udev rule 71-bwcdock-bay-lockdown.rules (or the site's USB policy)");
            return true;
        }
        if (!d.foreign()) {
            return false; // mass storage only (or no interface yet): the camera path decides
        }
        evict.accept(port);
        if (!s.attempted) {
            s.attempted = true;
            s.offered = d.interfaceClasses();
            s.foreignSince = now;
            try {
                sysfs.deauthorize(port);
            } catch (IOException ex) {
                s.writeError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                log.debug("bay {}: cannot de-authorise port {} myself ({}); the udev rule should", bay, port, s.writeError);
            }
            Optional<PortDevice> after = sysfs.portDevice(port);
            if (after.isPresent() && after.get().appearance().equals(s.appearance) && !after.get().authorized()) {
                report(bay, after.get(), s, true, "de-authorised by the agent");
            }
        } else if (now - s.foreignSince >= UDEV_GRACE.toNanos()) {
            report(bay, d, s, false, "still authorised: the udev rule 71-bwcdock-bay-lockdown.rules did not act and the agent"
                    + " may not write sysfs (" + s.writeError + "); the device is not mounted, but its other interfaces work");
        }
        return true;
    }

    private void report(int bay, PortDevice d, Seen s, boolean deauthorized, String detail) {
        List<String> offered = s.offered != null ? s.offered : d.interfaceClasses();
        s.reported = new LockedDevice(d.port(), d.vendorProduct(), d.serial(), offered, deauthorized, detail);
        if (deauthorized) {
            log.warn("bay {}: USB device {} (serial {}) on port {} offers interface classes {}, not only mass storage: {}",
                    bay, d.vendorProduct(), d.serial().isEmpty() ? "none" : d.serial(), d.port(), offered, detail);
        } else {
            log.error("bay {}: USB device {} (serial {}) on port {} offers interface classes {}, not only mass storage: {}",
                    bay, d.vendorProduct(), d.serial().isEmpty() ? "none" : d.serial(), d.port(), offered, detail);
        }
        listener.portLocked(bay, s.reported);
    }
}
