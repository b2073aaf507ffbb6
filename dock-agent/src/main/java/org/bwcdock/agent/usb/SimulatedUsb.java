package org.bwcdock.agent.usb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds and tears down the sysfs/devfs entries the kernel and udev would create for a USB
 * mass-storage camera, in a directory tree of our own: the sandbox's and the tests' hardware.
 * The real {@link CameraWatcher} reads it exactly as it reads /sys and /dev.
 */
public final class SimulatedUsb {
    private final Path sysRoot;
    private final Path devRoot;
    private int nextDisk;

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
        String disk = "sd" + (char) ('b' + (nextDisk++ % 24));
        String part = disk + "1";
        Path usb = device(port);
        Files.createDirectories(usb);
        Files.writeString(usb.resolve("idVendor"), vendor + "\n");
        Files.writeString(usb.resolve("idProduct"), product + "\n");
        Files.writeString(usb.resolve("serial"), serial + "\n");
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
        return part;
    }

    /**
     * Plugs a camera whose storage is a real block device of this machine (a loop device with a
     * FAT or exFAT image): the USB identity (port, ids, serial) is simulated, while the by-id link
     * and the /dev node lead to the real device, which udisks2 mounts. Returns the block name.
     */
    public String plugRealDevice(String port, String vendor, String product, String serial, Path realNode) throws IOException {
        String block = realNode.getFileName().toString();
        Path usb = device(port);
        Files.createDirectories(usb);
        Files.writeString(usb.resolve("idVendor"), vendor + "\n");
        Files.writeString(usb.resolve("idProduct"), product + "\n");
        Files.writeString(usb.resolve("serial"), serial + "\n");
        Path blockDir = Files.createDirectories(usb.resolve(port + ":1.0/host99/target99:0:0/99:0:0:0/block").resolve(block));
        link(sysRoot.resolve("class/block").resolve(block), blockDir);
        link(devRoot.resolve(block), realNode);
        Path byId = Files.createDirectories(devRoot.resolve("disk/by-id"));
        link(byId.resolve("usb-BWC_Camera_" + serial + "-0:0"), Path.of("../..", block));
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
