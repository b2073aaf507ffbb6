package org.bwcdock.agent.volume;

import org.bwcdock.format.NameBytes;
import org.bwcdock.format.SafeText;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per hostile thing a camera volume can hold. In each: the good file beside it is still
 * listed and read, the hostile one is reported with a reason, nothing outside the root is read,
 * and nothing hangs (the timeout).
 */
@Timeout(30)
class HostileVolumeTest {
    static final List<String> FOOTAGE = List.of("DCIM/**/*.MP4");
    static final byte[] GOOD = "good footage".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    Path cameras;
    Path root;
    Path outside;

    @BeforeEach
    void volume() throws IOException {
        cameras = Files.createDirectories(tmp.resolve("cameras"));
        root = Files.createDirectories(cameras.resolve("CAM1"));
        Files.createDirectories(root.resolve("DCIM/100"));
        Files.write(root.resolve("DCIM/100/GOOD.MP4"), GOOD);
        outside = Files.writeString(tmp.resolve("secret.MP4"), "outside the camera");
    }

    private CameraVolume mount(Duration stable, int maxFiles) throws IOException {
        return mount(stable, maxFiles, 255);
    }

    private CameraVolume mount(Duration stable, int maxFiles, int maxNameBytes) throws IOException {
        VolumeLimits limits = new VolumeLimits(FOOTAGE, 1L << 30, 16, maxFiles, maxNameBytes, stable, Duration.ofSeconds(2));
        return Volumes.mount(Mounter.directories(cameras), Path.of("/dev/sdb1"), "CAM1", limits, "camera CAM1 bay 1");
    }

    /** Lists, reads every listed file, and checks the good one is there and the only read came from inside. */
    private Listing listAndRead() throws Exception {
        try (CameraVolume v = mount(Duration.ZERO, 10_000)) {
            Listing l = v.listStableFootage();
            assertTrue(l.files().stream().anyMatch(f -> f.relativePath().equals("DCIM/100/GOOD.MP4")), l::toString);
            for (FootageFile f : l.files()) {
                assertTrue(NameBytes.resolve(root, f.relativePath()).normalize().startsWith(root), f.relativePath());
                try (InputStream in = v.open(f)) {
                    byte[] b = in.readAllBytes();
                    if (f.relativePath().equals("DCIM/100/GOOD.MP4")) {
                        assertArrayEquals(GOOD, b);
                    }
                    assertTrue(b.length == f.size());
                }
            }
            return l;
        }
    }

    private static void skipped(Listing l, String pathPart, String reasonPart) {
        assertTrue(l.skipped().stream().anyMatch(s -> s.relativePath().contains(pathPart) && s.reason().contains(reasonPart)),
                () -> "expected " + pathPart + " skipped for '" + reasonPart + "', got " + l.skipped());
    }

    @Test
    void symlinkToAFileOutside() throws Exception {
        Files.createSymbolicLink(root.resolve("DCIM/100/LINK.MP4"), outside);
        Listing l = listAndRead();
        skipped(l, "LINK.MP4", "symbolic link: not followed");
        assertEquals(1, l.files().size());
    }

    @Test
    void symlinkLoop() throws Exception {
        Files.createSymbolicLink(root.resolve("DCIM/100/LOOP"), root.resolve("DCIM"));
        Files.createSymbolicLink(root.resolve("DCIM/A.MP4"), root.resolve("DCIM/B.MP4"));
        Files.createSymbolicLink(root.resolve("DCIM/B.MP4"), root.resolve("DCIM/A.MP4"));
        Listing l = listAndRead();
        skipped(l, "LOOP", "symbolic link");
        skipped(l, "A.MP4", "symbolic link");
    }

    @Test
    void dotDotInNames() throws Exception {
        Files.write(root.resolve("DCIM/100/..VID.MP4"), GOOD);
        Files.write(root.resolve("DCIM/100/a..b.MP4"), GOOD);
        Listing l = listAndRead();
        assertEquals(3, l.files().size(), l::toString);
        // A crafted relative path cannot be opened either.
        try (CameraVolume v = mount(Duration.ZERO, 100)) {
            FootageFile evil = new FootageFile("../secret.MP4", 18, 0, null);
            IOException e = assertThrows(IOException.class, () -> v.open(evil));
            assertTrue(e.getMessage().contains("outside the camera volume"), e.getMessage());
        }
    }

    @Test
    void fifoNamedLikeAVideo() throws Exception {
        mkfifo(root.resolve("DCIM/100/PIPE.MP4"));
        Listing l = listAndRead();
        skipped(l, "PIPE.MP4", "not a regular file");
    }

    @Test
    void deviceNode() throws Exception {
        run("mknod", root.resolve("DCIM/100/ZERO.MP4").toString(), "c", "1", "5");
        Listing l = listAndRead();
        skipped(l, "ZERO.MP4", "not a regular file");
    }

    @Test
    void directoryNamedLikeAVideo() throws Exception {
        Files.createDirectories(root.resolve("DCIM/100/DIR.MP4"));
        Listing l = listAndRead();
        skipped(l, "DIR.MP4", "a directory named like footage");
    }

    @Test
    void twentyThousandFiles() throws Exception {
        Path many = Files.createDirectories(root.resolve("DCIM/999"));
        for (int i = 0; i < 20_000; i++) {
            Files.createFile(many.resolve("F" + i + ".TXT"));
        }
        Listing l = listAndRead(); // GOOD.MP4 is in DCIM/100: listed first or not, the bound holds
        skipped(l, "DCIM/999", "directory holds more than 10000 entries");
    }

    @Test
    void zeroByteFileIsListedAndReadAsEmpty() throws Exception {
        Files.createFile(root.resolve("DCIM/100/EMPTY.MP4"));
        Listing l = listAndRead();
        assertTrue(l.files().stream().anyMatch(f -> f.relativePath().endsWith("EMPTY.MP4") && f.size() == 0));
    }

    @Test
    void fileGrowingDuringTheListingIsNotTaken() throws Exception {
        Path growing = root.resolve("DCIM/100/REC.MP4");
        Files.write(growing, GOOD);
        try (CameraVolume v = mount(Duration.ofMillis(400), 100)) {
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(100); // the camera keeps recording while the dock lists
                    Files.write(growing, GOOD, java.nio.file.StandardOpenOption.APPEND);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            Listing l = v.listStableFootage();
            writer.join();
            skipped(l, "REC.MP4", "still changing");
            assertTrue(l.files().stream().anyMatch(f -> f.relativePath().endsWith("GOOD.MP4")));
        }
    }

    @Test
    void fileThatCannotBeReadFailsWithItsName() throws Exception {
        try (CameraVolume v = mount(Duration.ZERO, 100)) {
            Listing l = v.listStableFootage();
            FootageFile good = l.files().get(0);
            Files.write(root.resolve("DCIM/100/GONE.MP4"), GOOD);
            FootageFile gone = v.listStableFootage().files().stream().filter(f -> f.relativePath().endsWith("GONE.MP4")).findFirst().orElseThrow();
            Files.delete(root.resolve("DCIM/100/GONE.MP4")); // I/O error stand-in: root reads any mode
            IOException e = assertThrows(IOException.class, () -> v.open(gone));
            assertTrue(e.getMessage().contains("GONE.MP4"), e.getMessage());
            try (InputStream in = v.open(good)) {
                assertArrayEquals(GOOD, in.readAllBytes());
            }
        }
    }

    @Test
    void fortyDeepNesting() throws Exception {
        Path deep = root.resolve("DCIM");
        for (int i = 0; i < 40; i++) {
            deep = deep.resolve("d" + i);
        }
        Files.createDirectories(deep);
        Files.write(deep.resolve("DEEP.MP4"), GOOD);
        Listing l = listAndRead();
        skipped(l, "d14", "deeper than 16 levels");
        assertTrue(l.files().stream().noneMatch(f -> f.relativePath().endsWith("DEEP.MP4")));
    }

    @Test
    void nonUtf8NameIsTakenReadAndWipedByItsBytes() throws Exception {
        // Create the name from raw bytes with the shell: Java cannot express invalid UTF-8 in a String.
        run("sh", "-c", "printf 'x' > \"$(printf '" + root.resolve("DCIM/100") + "/BAD\\377\\376.MP4')\"");
        Listing l = listAndRead();
        FootageFile bad = l.files().stream().filter(f -> f.relativePath().startsWith("DCIM/100/BAD")).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + l));
        byte[] raw = "DCIM/100/BAD\u00ff\u00fe.MP4".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(raw, NameBytes.encode(bad.relativePath()), "the name's bytes, kept");
        assertEquals("DCIM/100/BAD\\xff\\xfe.MP4", SafeText.escape(bad.relativePath()), "shown escaped, once");
        assertTrue(l.skipped().isEmpty(), l::toString);
        try (CameraVolume v = mount(Duration.ZERO, 100)) {
            List<Skipped> refused = v.wipe(java.util.Map.of(bad, Fingerprint.whole(org.bwcdock.format.pki.Digests.sha256Hex(
                    new java.io.ByteArrayInputStream(new byte[] {'x'})))));
            assertTrue(refused.isEmpty(), refused::toString);
        }
        try (var left = Files.list(root.resolve("DCIM/100"))) {
            assertEquals(List.of("GOOD.MP4"), left.map(p -> p.getFileName().toString()).toList(), "exactly that file deleted");
        }
    }

    @Test
    void veryLongName() throws Exception {
        String fits = "V".repeat(96) + ".MP4";                 // 100 bytes
        String tooLong = "\u00e9".repeat(100) + ".MP4";        // 204 bytes in UTF-8, 104 characters
        Files.write(root.resolve("DCIM/100").resolve(fits), GOOD);
        Files.write(root.resolve("DCIM/100").resolve(tooLong), GOOD);
        try (CameraVolume v = mount(Duration.ZERO, 100, 128)) {
            Listing l = v.listStableFootage();
            assertTrue(l.files().stream().anyMatch(f -> f.relativePath().endsWith(fits)));
            assertTrue(l.files().stream().anyMatch(f -> f.relativePath().endsWith("GOOD.MP4")));
            skipped(l, "DCIM/100/\u00e9", "name longer than 128 bytes");
        }
    }

    @Test
    void stuckReadFailsWithinTheDeadlineWhileAnotherBayReads() throws Exception {
        Path fifo = tmp.resolve("stuck");
        mkfifo(fifo);
        long t0 = System.nanoTime();
        Thread otherBay = new Thread(() -> {
            try (CameraVolume v = mount(Duration.ZERO, 100); InputStream in = v.open(v.listStableFootage().files().get(0))) {
                assertArrayEquals(GOOD, in.readAllBytes());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "test-other-bay");
        // Opening a FIFO with no writer blocks in the kernel, like a dead USB device.
        IOException e = assertThrows(IOException.class, () -> DeadlineReader.open(
                DeadlineReader.namedThreads("test-stuck-reader"), fifo, "camera CAM9 bay 2: STUCK.MP4", Duration.ofSeconds(1),
                f -> java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ)));
        otherBay.start();
        otherBay.join(10_000);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(e.getMessage().contains("made no progress"), e.getMessage());
        assertTrue(seconds < 10, "took " + seconds + " s");
        // Unblock the abandoned open so the test leaves no thread stuck behind.
        try (var w = java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.WRITE)) {
            w.write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
    }

    private static void mkfifo(Path p) throws Exception {
        run("mkfifo", p.toString());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
