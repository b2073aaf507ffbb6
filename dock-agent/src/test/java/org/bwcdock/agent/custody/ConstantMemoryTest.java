package org.bwcdock.agent.custody;

import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.testing.Jvm;
import org.bwcdock.testing.Openssl;
import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingest in a JVM limited to 64 MiB of heap, and kill -9 in the middle of one. */
class ConstantMemoryTest {
    static final long TWO_GIB = 2L << 30;

    private static List<String> args(Path dir, ThrowawayPki pki, ThrowawayPki.Leaf dock, ThrowawayPki.Leaf recipient, long size, int part) {
        return List.of(dir.resolve("spool").toString(), dock.chainFile().toString(), dock.keyFile().toString(),
                recipient.certFile().toString(), Long.toString(size), Integer.toString(part));
    }

    @Test
    @Timeout(240)
    void twoGibFileIngestsWithin64MibOfHeap(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        var dock = pki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        var recipient = pki.issue("evidence", ThrowawayPki.Kind.RSA, ThrowawayPki.Use.RECIPIENT);
        Process p = Jvm.fork(List.of("-Xmx64m"), IngestMain.class,
                args(dir, pki, dock, recipient, TWO_GIB, 64 << 20).toArray(String[]::new)).start();
        String done = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("done ")) {
                    done = line;
                }
            }
            assertEquals(0, p.waitFor(), "the -Xmx64m ingest failed");
        } finally {
            Jvm.kill(p);
        }
        assertNotNull(done);
        String[] f = done.split(" ");
        assertEquals(expectedSha(TWO_GIB), f[1]);
        assertEquals("32", f[2], "2 GiB in 64 MiB parts");
        assertTrue(Integer.parseInt(f[3]) <= 64, "heap limit was " + f[3] + " MiB");
    }

    private static String expectedSha(long size) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Sources.generated(size, 99)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    @Timeout(120)
    void killNineDuringIngestLeavesOnlyCompleteParts(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        var dock = pki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        var recipient = pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        long size = 400L << 20;
        int part = 8 << 20;
        Process p = Jvm.fork(List.of("-Xmx64m"), IngestMain.class,
                args(dir, pki, dock, recipient, size, part).toArray(String[]::new)).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("progress ") && Long.parseLong(line.substring(9)) > size / 3) {
                    break;
                }
            }
        } finally {
            Jvm.kill(p);
        }
        Path spoolDir = dir.resolve("spool");
        try (var files = Files.list(spoolDir)) {
            assertTrue(files.anyMatch(x -> x.toString().endsWith(".cms")), "killed before any part was complete");
        }
        // Restart: opening the spool removes what the crash left half-written; every part left decrypts.
        try (Spool spool = Spools.open(spoolDir, Long.MAX_VALUE); var files = Files.list(spoolDir)) {
            for (Path cms : files.toList()) {
                assertTrue(cms.toString().endsWith(".cms"), "unexpected leftover " + cms);
                var r = Openssl.run("cms", "-decrypt", "-binary", "-inform", "DER", "-in", cms.toString(),
                        "-recip", recipient.certFile().toString(), "-inkey", recipient.keyFile().toString(), "-out", "/dev/null");
                assertEquals(0, r.exit(), cms + ": " + r.output());
            }
        }
        // The same file ingested again starts from scratch and completes.
        Process again = Jvm.fork(List.of("-Xmx64m"), IngestMain.class,
                args(dir, pki, dock, recipient, 20L << 20, part).toArray(String[]::new)).start();
        try {
            String all = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, again.waitFor());
            assertTrue(all.contains("done " + expectedSha(20L << 20) + " 3 "), all);
        } finally {
            Jvm.kill(again);
        }
        try (var files = Files.list(spoolDir)) {
            assertEquals(5, files.count(), "3 parts + manifest + signature, nothing of the killed run");
        }
    }
}
