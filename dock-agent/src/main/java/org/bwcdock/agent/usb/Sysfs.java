package org.bwcdock.agent.usb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads USB block devices from a sysfs/devfs-shaped tree (the real one, umockdev's, or a test's). */
final class Sysfs {
    private static final Pattern HEX4 = Pattern.compile("[0-9a-f]{4}");
    private static final Pattern PORT = Pattern.compile("[0-9]+-[0-9]+(\\.[0-9]+)*");
    private static final Pattern SERIAL = Pattern.compile("[\\x21-\\x7e]{1,126}");
    private static final int MAX_WALK_UP = 16;
    private static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern INTERFACE = Pattern.compile("[0-9]+-[0-9]+(\\.[0-9]+)*:[0-9]+\\.[0-9]+");
    /** USB allows 32 interfaces per configuration. */
    private static final int MAX_INTERFACES = 32;
    private static final Pattern BLOCK_NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    private final Path sysRoot;
    private final Path devRoot;

    Sysfs(Path sysRoot, Path devRoot) {
        this.sysRoot = sysRoot;
        this.devRoot = devRoot;
    }

    /** udev's by-id links: watched for promptness where visible (the unit's PrivateDevices hides them). */
    Path byIdDirectory() {
        return devRoot.resolve("disk/by-id");
    }

    /** The kernel names of all block devices now, from sysfs alone: a change means a scan is due. */
    java.util.Set<String> blockNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysRoot.resolve("class/block"))) {
            for (Path e : entries) {
                names.add(e.getFileName().toString());
            }
        } catch (IOException e) {
            // no block class (yet): nothing plugged
        }
        return names;
    }

    /**
     * Every USB block device present now, keyed by port; a partition wins over its whole disk
     * (the camera's filesystem lives on sdb1, not sdb). From sysfs alone: the unit's PrivateDevices
     * gives the agent a /dev without disks or udev's links, and the agent never opens a device
     * (udisks2 does, by the /dev name it is handed).
     */
    Map<String, UsbDevice> scan() {
        Map<String, UsbDevice> byPort = new HashMap<>();
        for (String name : blockNames()) {
            device(name).ifPresent(d -> byPort.merge(d.port(), d, Sysfs::preferPartition));
        }
        return byPort;
    }

    private static UsbDevice preferPartition(UsbDevice a, UsbDevice b) {
        boolean aPart = Character.isDigit(a.blockName().charAt(a.blockName().length() - 1));
        boolean bPart = Character.isDigit(b.blockName().charAt(b.blockName().length() - 1));
        if (aPart != bPart) {
            return aPart ? a : b;
        }
        return a.blockName().compareTo(b.blockName()) <= 0 ? a : b;
    }

    /** Block name → sysfs device → the USB device above it (none for loop, mmc, nvme...). */
    private Optional<UsbDevice> device(String blockName) {
        try {
            if (!BLOCK_NAME.matcher(blockName).matches()) {
                return Optional.empty();
            }
            Path devNode = devRoot.resolve(blockName);
            Path block = sysRoot.resolve("class/block").resolve(blockName);
            if (!Files.exists(block)) {
                return Optional.empty();
            }
            Path dir = block.toRealPath();
            for (int i = 0; i < MAX_WALK_UP && dir != null && dir.startsWith(sysRoot.toRealPath()); i++) {
                if (Files.isRegularFile(dir.resolve("idVendor")) && Files.isRegularFile(dir.resolve("serial"))) {
                    String vendor = attr(dir, "idVendor");
                    String product = attr(dir, "idProduct");
                    String serial = attr(dir, "serial");
                    String port = dir.getFileName().toString();
                    if (!HEX4.matcher(vendor).matches() || !HEX4.matcher(product).matches()
                            || !PORT.matcher(port).matches() || !SERIAL.matcher(serial).matches()) {
                        return Optional.empty();
                    }
                    return Optional.of(new UsbDevice(blockName, devNode, vendor + ":" + product, serial, port));
                }
                dir = dir.getParent();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The USB device on {@code port} now, whatever its kind (a keyboard has no block device), from
     * /sys/bus/usb/devices/PORT and its interface directories PORT:CONFIG.IFACE. Empty when nothing
     * is plugged there.
     */
    Optional<PortDevice> portDevice(String port) {
        Path dir = usbDevice(port);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            String vendor = optionalAttr(dir, "idVendor");
            String product = optionalAttr(dir, "idProduct");
            String model = HEX4.matcher(vendor).matches() && HEX4.matcher(product).matches() ? vendor + ":" + product : "unknown";
            String serial = optionalAttr(dir, "serial");
            SortedSet<String> classes = new TreeSet<>();
            int interfaces = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, port + ":*")) {
                for (Path e : entries) {
                    if (INTERFACE.matcher(e.getFileName().toString()).matches() && Files.isRegularFile(e.resolve("bInterfaceClass"))) {
                        String c = attr(e, "bInterfaceClass");
                        classes.add(HEX2.matcher(c).matches() ? c : "??"); // unreadable counts as not mass storage
                        if (++interfaces >= MAX_INTERFACES) {
                            break;
                        }
                    }
                }
            }
            return Optional.of(new PortDevice(port, model, SERIAL.matcher(serial).matches() ? serial : "",
                    optionalAttr(dir, "devnum"), !optionalAttr(dir, "authorized").equals("0"), List.copyOf(classes)));
        } catch (IOException e) {
            return Optional.empty(); // gone while reading: the next tick sees it gone or back
        }
    }

    /**
     * Writes 0 to the device's {@code authorized} attribute: the kernel unbinds every driver of it and
     * removes its interfaces. Needs root (the udev rule's job on a dock, where /sys is read-only for
     * the agent); never creates the attribute where it is missing.
     */
    void deauthorize(String port) throws IOException {
        Files.writeString(usbDevice(port).resolve("authorized"), "0", StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private Path usbDevice(String port) {
        return sysRoot.resolve("bus/usb/devices").resolve(port);
    }

    private static String optionalAttr(Path dir, String name) throws IOException {
        return Files.isRegularFile(dir.resolve(name)) ? attr(dir, name) : "";
    }

    /** A sysfs attribute, bounded: the serial is kept as is (case matters), ids are lower-cased. */
    private static String attr(Path dir, String name) throws IOException {
        byte[] b = Files.readAllBytes(dir.resolve(name));
        String v = new String(b, 0, Math.min(b.length, 256), StandardCharsets.US_ASCII).trim();
        return name.equals("serial") ? v : v.toLowerCase(Locale.ROOT);
    }
}
