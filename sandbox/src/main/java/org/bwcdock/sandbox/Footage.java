package org.bwcdock.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Generated camera footage: DCIM/100/VIDnnnn.MP4 files of random bytes and a DEVICE.TXT. The bytes
 * depend only on the camera's serial, the sizes and the first file's number, so a test can make the
 * same files again to compare with what the evidence side decrypts after the camera was wiped.
 */
public final class Footage {
    private Footage() {
    }

    /** Writes the camera's volume; returns the bytes of footage written. */
    public static long write(Path volume, String serial, long[] sizes) throws IOException {
        return write(volume, serial, sizes, 0);
    }

    /**
     * Writes the camera's volume with files numbered from {@code first} (0-based), whose bytes differ from
     * those of a write from another {@code first}: a camera docked again after a shift with new footage.
     */
    public static long write(Path volume, String serial, long[] sizes, int first) throws IOException {
        Path dcim = Files.createDirectories(volume.resolve("DCIM/100"));
        Files.writeString(volume.resolve("DEVICE.TXT"), "id=" + serial + "\nbattery=" + battery(serial) + "\n");
        SplittableRandom random = new SplittableRandom(first == 0 ? serial.hashCode() : 31L * serial.hashCode() + first);
        byte[] buf = new byte[1 << 20];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            try (OutputStream out = Files.newOutputStream(dcim.resolve(name(first + i)))) {
                for (long left = sizes[i]; left > 0; left -= buf.length) {
                    random.nextBytes(buf);
                    out.write(buf, 0, (int) Math.min(buf.length, left));
                }
            }
            total += sizes[i];
        }
        return total;
    }

    /** The camera's battery charge, percent: what its DEVICE.TXT says and its bay's gauge reads. */
    public static int battery(String serial) {
        return 70 + Math.floorMod(serial.hashCode(), 30);
    }

    /** The path, relative to the volume, of the {@code index}th file (0-based). */
    public static String relativePath(int index) {
        return "DCIM/100/" + name(index);
    }

    private static String name(int index) {
        return String.format("VID%04d.MP4", index + 1);
    }
}
