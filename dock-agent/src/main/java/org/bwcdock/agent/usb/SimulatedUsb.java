package org.bwcdock.agent.usb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds and tears down the sysfs/devfs entries the kernel and udev would create for a USB
 * mass-storage camera (or any other USB device), in a directory tree of our own: the sandbox's and
 * the tests' hardware. The real {@link CameraWatcher} reads it exactly as it reads /sys and /dev.
 * What it does not simulate: the kernel's reaction to {@code authorized=0} (unbinding the drivers,
 * removing the interfaces and the disk); the attribute just reads 0 afterwards.
 */
public final class SimulatedUsb {
    private final Path sysRoot;
    private final Path devRoot;
    private int nextDisk;
    private int devnum = 1;

    public SimulatedUsb(Path sysRoot, Path devRoot) throws IOException {
        this.sysRoot = Files.createDirectories(sysRoot);
        this.devRoot = Files.createDirectories(devRoot);
        Files.createDirectories(sysRoot.resolve("class/block"));
        Files.createDirectories(devRoot.resolve("disk"));
    }

    public Path sysRoot() {
        return sysRoot;
    }

    public Path devRoot() {
        return devRoot;
    }

    /**
     * Plugs a camera into {@code port} (e.g. "1-1.2"): USB device → interface → SCSI → disk →
     * partition, class/block links, /dev node and a by-id link. Returns the partition's block name.
     */
    public String plug(String port, String vendor, String product, String serial) throws IOException {
        return plugComposite(port, vendor, product, serial);
    }

    /**
     * A camera whose mass-storage interface (1.0) comes with more interfaces of the given classes
     * (two hex digits, e.g. "03" HID): the "BadUSB camera". Returns the partition's block name.
     */
    public String plugComposite(String port, String vendor, String product, String serial, String... moreClasses) throws IOException {
        String disk = "sd" + (char) ('b' + (nextDisk++ % 24));
        String part = disk + "1";
        Path usb = usbDevice(port, vendor, product, serial, true);
        iface(port, 0, "08");
        for (int i = 0; i < moreClasses.length; i++) {
            iface(port, i + 1, moreClasses[i]);
        }
        Path blockDir = usb.resolve(port + ":1.0/host" + nextDisk + "/target" + nextDisk + ":0:0/" + nextDisk + ":0:0:0/block");
        Path diskDir = Files.createDirectories(blockDir.resolve(disk));
        Path partDir = Files.createDirectories(diskDir.resolve(part));
        Files.writeString(partDir.resolve("partition"), "1\n");
        link(sysRoot.resolve("class/block").resolve(disk), diskDir);
        link(sysRoot.resolve("class/block").resolve(part), partDir);
        Files.writeString(devRoot.resolve(disk), "");
        Files.writeString(devRoot.resolve(part), "");
        Path byId = Files.createDirectories(devRoot.resolve("disk/by-id"));
        String id = "usb-BWC_Camera_" + serial + "-0:0";
        link(byId.resolve(id), Path.of("../..", disk));
        link(byId.resolve(id + "-part1"), Path.of("../..", part));
        busLinks(port);
        return part;
    }

    /**
     * Plugs a USB device without storage: only the device and its interfaces of the given classes
     * (e.g. "03" a keyboard, "02" + "0a" a CDC network adapter). {@code serial} null: it has none.
     * {@code authorized} false: as the udev rule leaves it, de-authorised before anyone else looks
     * (and, as the kernel does then, without interfaces).
     */
    public void plugDevice(String port, String vendor, String product, String serial, boolean authorized,
                           String... interfaceClasses) throws IOException {
        usbDevice(port, vendor, product, serial, authorized);
        for (int i = 0; authorized && i < interfaceClasses.length; i++) {
            iface(port, i, interfaceClasses[i]);
        }
        busLinks(port);
    }

    /** The device's {@code authorized} attribute as it reads now ("1", "0"), null when nothing is plugged there. */
    public String authorized(String port) throws IOException {
        Path a = device(port).resolve("authorized");
        return Files.isRegularFile(a) ? Files.readString(a).trim() : null;
    }

    /** The kernel enumerates the device on {@code port} again (a USB reset): a new device number, authorised again. */
    public void reEnumerate(String port) throws IOException {
        Files.writeString(device(port).resolve("authorized"), "1\n");
        Files.writeString(device(port).resolve("devnum"), ++devnum + "\n");
    }

    /** Removes the device's {@code authorized} attribute: a sysfs the agent cannot de-authorise through. */
    public void withoutAuthorizedAttribute(String port) throws IOException {
        Files.deleteIfExists(device(port).resolve("authorized"));
    }

    /** The USB device's own attributes; a new device number at every plug, as the kernel gives. */
    private Path usbDevice(String port, String vendor, String product, String serial, boolean authorized) throws IOException {
        Path usb = Files.createDirectories(device(port));
        Files.writeString(usb.resolve("authorized"), authorized ? "1\n" : "0\n");
        Files.writeString(usb.resolve("devnum"), ++devnum + "\n");
        Files.writeString(usb.resolve("idVendor"), vendor + "\n");
        Files.writeString(usb.resolve("idProduct"), product + "\n");
        if (serial != null) {
            Files.writeString(usb.resolve("serial"), serial + "\n");
        }
        return usb;
    }

    /** Interface {@code n} of configuration 1: PORT:1.N with its bInterfaceClass. */
    private void iface(String port, int n, String interfaceClass) throws IOException {
        Path dir = Files.createDirectories(device(port).resolve(port + ":1." + n));
        Files.writeString(dir.resolve("bInterfaceClass"), interfaceClass + "\n");
    }

    /** /sys/bus/usb/devices/PORT and /sys/bus/usb/devices/PORT:1.N, made last: the device is complete when they appear. */
    private void busLinks(String port) throws IOException {
        Path bus = Files.createDirectories(sysRoot.resolve("bus/usb/devices"));
        try (Stream<Path> children = Files.list(device(port))) {
            for (Path c : children.filter(c -> c.getFileName().toString().startsWith(port + ":")).toList()) {
                link(bus.resolve(c.getFileName().toString()), c);
            }
        }
        link(bus.resolve(port), device(port));
    }

    /**
     * Plugs a camera whose storage is a real block device of this machine (a loop device with a
     * FAT or exFAT image): the USB identity (port, ids, serial) is simulated, while the by-id link
     * and the /dev node lead to the real device, which udisks2 mounts. Returns the block name.
     */
    public String plugRealDevice(String port, String vendor, String product, String serial, Path realNode) throws IOException {
        String block = realNode.getFileName().toString();
        Path usb = usbDevice(port, vendor, product, serial, true);
        iface(port, 0, "08");
        Path blockDir = Files.createDirectories(usb.resolve(port + ":1.0/host99/target99:0:0/99:0:0:0/block").resolve(block));
        link(sysRoot.resolve("class/block").resolve(block), blockDir);
        link(devRoot.resolve(block), realNode);
        Path byId = Files.createDirectories(devRoot.resolve("disk/by-id"));
        link(byId.resolve("usb-BWC_Camera_" + serial + "-0:0"), Path.of("../..", block));
        busLinks(port);
        return block;
    }

    /** True while a camera is plugged into {@code port}. */
    public boolean plugged(String port) {
        return Files.exists(device(port));
    }

    /** The USB device's directory in sysfs for a port of the simulated root hub. */
    private Path device(String port) {
        return sysRoot.resolve("devices/pci0000:00/0000:00:14.0/usb1").resolve(port);
    }

    /** Unplugs whatever sits in {@code port}: children first, the way the kernel removes them. */
    public void unplug(String port) throws IOException {
        Path usb = device(port);
        if (!Files.exists(usb)) {
            return;
        }
        Path bus = sysRoot.resolve("bus/usb/devices");
        if (Files.isDirectory(bus)) {
            Files.deleteIfExists(bus.resolve(port));
            try (Stream<Path> links = Files.list(bus)) {
                for (Path l : links.filter(l -> l.getFileName().toString().startsWith(port + ":")).toList()) {
                    Files.delete(l);
                }
            }
        }
        List<String> blocks;
        try (Stream<Path> tree = Files.walk(usb)) {
            blocks = tree.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("block")
                    || p.getParent() != null && p.getParent().getParent() != null
                    && p.getParent().getParent().getFileName().toString().equals("block"))
                    .map(p -> p.getFileName().toString()).toList();
        }
        Path byId = devRoot.resolve("disk/by-id");
        if (Files.isDirectory(byId)) { // absent where /dev is private (PrivateDevices)
            try (Stream<Path> links = Files.list(byId)) {
                for (Path l : links.toList()) {
                    if (Files.isSymbolicLink(l) && blocks.contains(Files.readSymbolicLink(l).getFileName().toString())) {
                        Files.deleteIfExists(l);
                    }
                }
            }
        }
        for (String block : blocks) {
            Files.deleteIfExists(devRoot.resolve(block)); // a link to a real node: the link only
            Files.deleteIfExists(sysRoot.resolve("class/block").resolve(block));
        }
        try (Stream<Path> tree = Files.walk(usb)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }
}
