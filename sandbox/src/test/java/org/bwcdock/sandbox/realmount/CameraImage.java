package org.bwcdock.sandbox.realmount;

import org.bwcdock.format.pki.Digests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.bwcdock.sandbox.realmount.UdisksHost.run;
import static org.bwcdock.sandbox.realmount.UdisksHost.runOk;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A camera's storage as a real filesystem image (FAT32 or exFAT, made by mkfs and filled without
 * the agent), attached to a loop device, and read back afterwards through the FUSE drivers.
 */
final class CameraImage implements AutoCloseable {
    /** EXT4 is no camera's: the polkit rule must refuse it. */
    enum Type { VFAT, EXFAT, EXT4 }

    final Type type;
    final Path image;
    Path loop;

    private CameraImage(Type type, Path image) {
        this.type = type;
        this.image = image;
    }

    /** An image holding the files of {@code content} (a directory tree), not yet attached. */
    static CameraImage create(Type type, Path image, Path content) throws Exception {
        CameraImage c = new CameraImage(type, image);
        if (type == Type.VFAT) {
            // FAT32 needs 65525 clusters: 40 MiB at one sector per cluster (sparse: little disk used).
            runOk(List.of("truncate", "-s", "40M", image.toString()));
            runOk(List.of("mkfs.vfat", "-F", "32", "-s", "1", "-n", "CAMERA", image.toString()));
            try (Stream<Path> top = Files.list(content)) {
                for (Path p : top.toList()) {
                    runOk(List.of("mcopy", "-s", "-m", "-i", image.toString(), p.toString(), "::"));
                }
            }
        } else if (type == Type.EXT4) {
            runOk(List.of("truncate", "-s", "8M", image.toString()));
            runOk(List.of("mkfs.ext4", "-q", "-F", "-d", content.toString(), image.toString()));
        } else {
            long bytes;
            try (Stream<Path> all = Files.walk(content)) {
                bytes = all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            runOk(List.of("truncate", "-s", Long.toString((16L << 20) + (bytes + (1 << 20) - 1 & -(1L << 20))), image.toString()));
            runOk(List.of("mkfs.exfat", "-L", "CAMERA", image.toString()));
            c.withMounted(false, dir -> runOk(List.of("cp", "-r", "--preserve=timestamps", content + "/.", dir.toString())));
        }
        return c;
    }

    /** Attaches the image to a free loop device and waits until udisks2 knows its filesystem. */
    Path attach() throws Exception {
        loop = Path.of(lastLine(runOk(List.of("losetup", "--find", "--show", image.toString()))));
        runOk(List.of("udevadm", "settle", "-t", "10"));
        String object = "/org/freedesktop/UDisks2/block_devices/" + loop.getFileName();
        UdisksHost.await("udisks2 to see the " + type + " filesystem on " + loop, () -> run(List.of("busctl", "--system",
                "get-property", "org.freedesktop.UDisks2", object, "org.freedesktop.UDisks2.Block", "IdType")).output()
                .contains("\"" + type.name().toLowerCase(java.util.Locale.ROOT) + "\"")
                && (type == Type.EXT4 || run(List.of("busctl", "--system", "get-property", "org.freedesktop.UDisks2", object,
                        "org.freedesktop.UDisks2.Filesystem", "MountPoints")).exit() == 0));
        return loop;
    }

    private static String lastLine(String out) {
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1].trim();
    }

    void detach() throws Exception {
        if (loop != null) {
            runOk(List.of("losetup", "-d", loop.toString()));
            loop = null;
        }
    }

    /** fsck, read-only: exit 0 means clean. */
    UdisksHost.Result fsck() throws Exception {
        return run(type == Type.VFAT ? List.of("fsck.fat", "-n", image.toString()) : List.of("fsck.exfat", "-n", image.toString()));
    }

    interface InDir {
        void run(Path dir) throws Exception;
    }

    /** Mounts the (detached) image as root with the FUSE driver, runs {@code work}, unmounts. */
    void withMounted(boolean readOnly, InDir work) throws Exception {
        Path dir = Files.createTempDirectory(image.getParent(), "mnt-");
        String opts = readOnly ? "ro" : type == Type.VFAT ? "rw+" : "rw";
        // exfat-fuse wants a block device: a loop device of its own for this mount.
        String source = type == Type.VFAT ? image.toString() : lastLine(runOk(List.of("losetup", "--find", "--show", image.toString())));
        try {
            runOk(type == Type.VFAT ? List.of("fusefat", "-o", opts, source, dir.toString())
                    : List.of("mount.exfat-fuse", "-o", opts, source, dir.toString()));
            try {
                work.run(dir);
            } finally {
                runOk(List.of("umount", dir.toString()));
                Files.delete(dir);
            }
        } finally {
            if (type == Type.EXFAT) {
                runOk(List.of("losetup", "-d", source));
            }
        }
    }

    /** Every regular file on the image: relative path → SHA-256. */
    Map<String, String> files() throws Exception {
        Map<String, String> out = new TreeMap<>();
        withMounted(true, dir -> out.putAll(hashes(dir)));
        if (type == Type.VFAT && "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".equals(out.get("CAMERA"))) {
            out.remove("CAMERA"); // fusefat shows the volume label's directory entry as an empty file
        }
        return out;
    }

    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(all::add);
        }
        for (Path p : all) {
            out.put(dir.relativize(p).toString(), Digests.sha256Hex(p));
        }
        return out;
    }

    /** The image after the test: clean by fsck, and holding exactly {@code expected} (path → SHA-256). */
    void assertHolds(Map<String, String> expected) throws Exception {
        UdisksHost.Result fsck = fsck();
        assertEquals(0, fsck.exit(), type + " image not clean after the wipe: " + fsck.output());
        assertEquals(expected, files(), type + " image after the wipe");
    }

    @Override
    public void close() throws Exception {
        detach();
    }
}
