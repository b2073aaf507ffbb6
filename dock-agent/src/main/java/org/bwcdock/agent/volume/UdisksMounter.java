package org.bwcdock.agent.volume;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.DBusMemberName;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Mounting through udisks2 over the D-Bus system bus, so the agent runs unprivileged: udisks2
 * mounts, polkit decides (systemd/50-bwcdock.rules). Each operation opens its own connection
 * (mounts happen once per dock; no bus threads outlive the call) and every call has a deadline.
 * udisks2's error names become a {@link MountException.Kind}.
 */
final class UdisksMounter implements Mounter {
    private static final Logger log = LoggerFactory.getLogger(UdisksMounter.class);
    static final String READ_ONLY = "ro,nosuid,nodev,noexec";
    static final String WRITABLE = "rw,nosuid,nodev,noexec";
    private static final String BUS_NAME = "org.freedesktop.UDisks2";
    private static final String MANAGER = "/org/freedesktop/UDisks2/Manager";
    private static final String ERROR = "org.freedesktop.UDisks2.Error.";
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final long SETTLE_POLL_MILLIS = 100;

    /** org.freedesktop.UDisks2.Manager, the one method used. */
    @DBusInterfaceName("org.freedesktop.UDisks2.Manager")
    public interface Manager extends DBusInterface {
        @DBusMemberName("ResolveDevice")
        List<DBusPath> resolveDevice(Map<String, Variant<?>> devspec, Map<String, Variant<?>> options);
    }

    /** org.freedesktop.UDisks2.Filesystem, the two methods used. */
    @DBusInterfaceName("org.freedesktop.UDisks2.Filesystem")
    public interface Filesystem extends DBusInterface {
        @DBusMemberName("Mount")
        String mount(Map<String, Variant<?>> options);

        @DBusMemberName("Unmount")
        void unmount(Map<String, Variant<?>> options);
    }

    private final Duration timeout;

    UdisksMounter(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Path mountReadOnly(Path device, String serial) throws IOException {
        return mount(device, READ_ONLY);
    }

    /** udisks2 2.9 has no remount ("remount,rw" is AlreadyMounted): unmount, then mount writable. */
    @Override
    public Path remountWritable(Path device, String serial) throws IOException {
        unmount(device);
        return mount(device, WRITABLE);
    }

    @Override
    public boolean stableInodes() {
        return false; // FAT and exFAT number inodes per mount, and even per lookup (FUSE)
    }

    /**
     * The watcher sees a camera in sysfs before udev and udisks2 have probed it: for a few seconds
     * "no such device" or "no filesystem" means "not yet", and the mount is tried again.
     */
    private Path mount(Path device, String options) throws IOException {
        long settleDeadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try {
                return mountOnce(device, options);
            } catch (MountException e) {
                boolean notYet = e.kind() == MountException.Kind.NO_FILESYSTEM || e.kind() == MountException.Kind.NO_DEVICE;
                if (!notYet || System.nanoTime() > settleDeadline) {
                    throw e;
                }
                log.debug("{}: not ready in udisks2 yet ({}); trying again", device, e.getMessage());
                try {
                    Thread.sleep(SETTLE_POLL_MILLIS); // polling udisks2 for the probe to finish, bounded by SETTLE
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException(device + ": interrupted while waiting for udisks2");
                }
            }
        }
    }

    private Path mountOnce(Path device, String options) throws IOException {
        try (Bus bus = new Bus(device)) {
            Filesystem fs = bus.filesystem();
            Map<String, Variant<?>> opts = Map.of("options", new Variant<>(options), "auth.no_user_interaction", new Variant<>(true));
            Object answer = bus.call(fs, "Mount", opts);
            String mountPoint = String.valueOf(answer);
            if (!mountPoint.startsWith("/")) {
                throw new MountException(MountException.Kind.FAILED, "udisks2 mounted " + device + " at an unexpected place: " + mountPoint);
            }
            log.debug("mounted {} ({}) at {}", device, options, mountPoint);
            return Path.of(mountPoint);
        }
    }

    /** Not mounted (any more) or gone (camera pulled) is what unmounting wants: not an error. */
    @Override
    public void unmount(Path device) throws IOException {
        try (Bus bus = new Bus(device)) {
            bus.call(bus.filesystem(), "Unmount", Map.of("auth.no_user_interaction", new Variant<>(true)));
        } catch (MountException e) {
            if (e.kind() != MountException.Kind.NOT_MOUNTED && e.kind() != MountException.Kind.NO_DEVICE) {
                throw e;
            }
            log.debug("unmount {}: {}", device, e.getMessage());
        }
    }

    /** One connection to the system bus and the udisks2 object of one block device. */
    private final class Bus implements AutoCloseable {
        private final Path device;
        private final DBusConnection connection;
        private final String objectPath;
        private final long deadline;

        Bus(Path device) throws IOException {
            this.deadline = System.nanoTime() + timeout.toNanos();
            // A link (a test's, or udev's) is resolved to the node udisks2 knows. Under the unit's
            // PrivateDevices the agent's /dev has no disks at all: then the name goes to udisks2 as
            // it is, which resolves it in the host's /dev (and answers nothing for a pulled camera).
            Path node = Files.exists(device) ? device.toRealPath() : device;
            this.device = node;
            try {
                connection = DBusConnectionBuilder.forSystemBus().withShared(false)
                        .transportConfig().withTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())).back()
                        .build();
            } catch (DBusException | RuntimeException e) {
                throw new MountException(MountException.Kind.FAILED, "cannot reach the D-Bus system bus for udisks2: " + e.getMessage(), e);
            }
            try {
                Manager manager = connection.getRemoteObject(BUS_NAME, MANAGER, Manager.class);
                Object found = call(manager, "ResolveDevice", Map.of("path", new Variant<>(node.toString())), Map.of());
                List<?> paths = found instanceof List<?> l ? l : found instanceof Object[] a ? List.of(a) : List.of();
                if (paths.isEmpty()) {
                    throw new MountException(MountException.Kind.NO_DEVICE, "udisks2 knows no block device " + node + " (camera removed?)");
                }
                objectPath = paths.get(0).toString();
            } catch (IOException | DBusException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? io : new MountException(MountException.Kind.FAILED, node + ": " + e.getMessage(), e);
            }
        }

        Filesystem filesystem() throws MountException {
            try {
                return connection.getRemoteObject(BUS_NAME, objectPath, Filesystem.class);
            } catch (DBusException e) {
                throw new MountException(MountException.Kind.FAILED, device + ": " + e.getMessage(), e);
            }
        }

        /**
         * Calls {@code method} (the D-Bus name; the Java method is its lower-camel twin) and waits
         * for the answer until this operation's deadline. The reply message is read directly: an
         * error reply carries udisks2's error name, which the proxy's exceptions lose.
         *
         * @return the first value of the answer, or null if it has none
         */
        Object call(DBusInterface target, String method, Object... args) throws MountException {
            String javaName = Character.toLowerCase(method.charAt(0)) + method.substring(1);
            Message answer;
            try {
                answer = connection.callMethodAsync(target, javaName, args).getCall()
                        .getReply(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (RuntimeException e) {
                throw new MountException(MountException.Kind.FAILED, "udisks2 " + method + " " + device + ": " + e, e);
            }
            if (answer == null) {
                throw new MountException(MountException.Kind.TIMEOUT, "udisks2 " + method + " " + device + ": no answer within "
                        + timeout.toSeconds() + " s");
            }
            try {
                Object[] values = answer.getParameters();
                if (answer instanceof org.freedesktop.dbus.messages.Error) {
                    String text = values != null && values.length > 0 ? String.valueOf(values[0]) : "";
                    throw classify(method, answer.getName(), text, null);
                }
                return values == null || values.length == 0 ? null : values[0];
            } catch (DBusException e) {
                throw new MountException(MountException.Kind.FAILED, "udisks2 " + method + " " + device + ": unreadable answer: " + e, e);
            }
        }

        private MountException classify(String method, String errorName, String message, Exception cause) {
            String name = errorName == null ? "" : errorName;
            MountException.Kind kind;
            if (name.startsWith(ERROR + "NotAuthorized")) {
                kind = MountException.Kind.NOT_AUTHORIZED;
            } else if (name.equals(ERROR + "DeviceBusy")) {
                kind = MountException.Kind.BUSY;
            } else if (name.equals(ERROR + "AlreadyMounted")) {
                kind = MountException.Kind.ALREADY_MOUNTED;
            } else if (name.equals(ERROR + "NotMounted")) {
                kind = MountException.Kind.NOT_MOUNTED;
            } else if (name.endsWith("UnknownObject") || name.endsWith("UnknownMethod") && method.equals("Unmount")) {
                kind = MountException.Kind.NO_DEVICE;
            } else if (name.endsWith("UnknownMethod") || name.endsWith("UnknownInterface")) {
                kind = MountException.Kind.NO_FILESYSTEM;
            } else if (name.endsWith("NoReply") || name.endsWith("Timeout") || name.endsWith("TimedOut")) {
                kind = MountException.Kind.TIMEOUT;
            } else {
                kind = MountException.Kind.FAILED;
            }
            String what = switch (kind) {
                case NOT_AUTHORIZED -> "not authorized (polkit: the bwcdock rule allows only vfat/exfat camera volumes)";
                case BUSY -> "the filesystem is busy";
                case ALREADY_MOUNTED -> "already mounted";
                case NOT_MOUNTED -> "not mounted";
                case NO_DEVICE -> "the device is gone (camera removed?)";
                case NO_FILESYSTEM -> "no mountable filesystem on it";
                case TIMEOUT -> "no answer in time";
                case FAILED -> "failed";
            };
            String said = message == null ? "" : message.replaceAll("\\p{Cntrl}", "?"); // may quote a camera-chosen label
            return new MountException(kind, "udisks2 " + method + " " + device + ": " + what + " [" + name + ": " + said + "]", cause);
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing the D-Bus connection: {}", e.toString());
            }
        }
    }
}
