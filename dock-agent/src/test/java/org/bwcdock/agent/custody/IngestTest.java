package org.bwcdock.agent.custody;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.testing.Openssl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our CMS parts and manifests, checked with the real openssl. */
@Timeout(120)
class IngestTest {
    static final int PART = 64 * 1024 + 123;

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest(name = "recipient {0}")
    @ValueSource(strings = {"rsa", "ec"})
    void opensslDecryptsEveryPartAndVerifiesTheManifest(String kind, @TempDir Path dir) throws Exception {
        byte[] data = Sources.random(3 * PART + PART / 2, 42);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of(kind))) {
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(7, data), Sources.bytes(data), IngestListener.NONE);
            assertEquals(4, r.parts().size());
            assertEquals(sha256(data), r.plaintextSha256());

            var recipient = kind.equals("rsa") ? f.rsaRecipient : f.ecRecipient;
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (PartRecord p : r.parts()) {
                Path part = f.spool.resolve(p.spoolFile());
                assertEquals(p.ciphertextSha256(), sha256(Files.readAllBytes(part)), "ciphertext hash of part " + p.index());
                Path out = dir.resolve("plain-" + p.index());
                var res = Openssl.run("cms", "-decrypt", "-binary", "-inform", "DER", "-in", part.toString(),
                        "-recip", recipient.certFile().toString(), "-inkey", recipient.keyFile().toString(), "-out", out.toString());
                assertEquals(0, res.exit(), res.output());
                byte[] plain = Files.readAllBytes(out);
                assertEquals(p.plaintextSha256(), sha256(plain));
                joined.writeBytes(plain);
            }
            assertArrayEquals(data, joined.toByteArray());

            Path json = f.spool.resolve(Spool.manifestName(7));
            Path sig = f.spool.resolve(Spool.signatureName(7));
            assertArrayEquals(r.manifestJson(), Files.readAllBytes(json));
            var verify = Openssl.run("cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(), "-content",
                    json.toString(), "-CAfile", f.pki.caFile().toString(), "-purpose", "any", "-out", "/dev/null");
            assertEquals(0, verify.exit(), verify.output());

            JsonNode m = new ObjectMapper().readTree(r.manifestJson());
            assertEquals("dock-test-01", m.get("dockId").asText());
            assertEquals("officer-7", m.get("officerId").asText());
            assertEquals(sha256(data), m.get("file").get("sha256").asText());
            assertEquals(4, m.get("parts").size());
            assertEquals(kind.equals("rsa") ? "RSA-OAEP-SHA256" : "ECDH-P384-AES256-KW",
                    m.get("recipients").get(0).get("keyTransport").asText());
        }
    }

    @Test
    void bothRecipientsCanOpenTheSamePart(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(1000, 1);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa", "ec"))) {
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(1, data), Sources.bytes(data), IngestListener.NONE);
            Path part = f.spool.resolve(r.parts().get(0).spoolFile());
            for (var who : List.of(f.rsaRecipient, f.ecRecipient)) {
                var res = Openssl.run("cms", "-decrypt", "-binary", "-inform", "DER", "-in", part.toString(),
                        "-recip", who.certFile().toString(), "-inkey", who.keyFile().toString());
                assertEquals(0, res.exit(), res.output());
            }
        }
    }

    /** The uploader sends each part in one PATCH (its checksum is the ingest's hash): the chunk must hold the whole CMS part. */
    @Test
    void everyCmsPartFitsOneUploadRequest(@TempDir Path dir) throws Exception {
        for (int partSize : new int[] {1024, 64 * 1024, 1 << 20}) {
            byte[] data = Sources.random(3 * partSize, partSize);
            try (CustodyFixture f = new CustodyFixture(dir.resolve("p" + partSize), partSize, 1L << 30, List.of("rsa", "ec"))) {
                IngestResult r = f.ingestor.ingest(CustodyFixture.request(1, data), Sources.bytes(data), IngestListener.NONE);
                for (var p : r.parts()) {
                    assertTrue(p.ciphertextLength() > p.length(), "CMS adds to the plaintext");
                    assertTrue(p.ciphertextLength() <= org.bwcdock.agent.upload.SinkSettings.oneRequestPerPart(partSize),
                            "part " + p.index() + " of " + p.ciphertextLength() + " bytes does not fit one request");
                }
            }
        }
    }

    @Test
    void aFlippedByteInAnyPartFailsDecryption(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(2 * PART, 3);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(2, data), Sources.bytes(data), IngestListener.NONE);
            for (PartRecord p : r.parts()) {
                Path part = f.spool.resolve(p.spoolFile());
                byte[] bytes = Files.readAllBytes(part);
                bytes[bytes.length / 2] ^= 0x01; // inside the encrypted content
                Path bad = Files.write(dir.resolve("bad-" + p.index()), bytes);
                var res = Openssl.run("cms", "-decrypt", "-binary", "-inform", "DER", "-in", bad.toString(),
                        "-recip", f.rsaRecipient.certFile().toString(), "-inkey", f.rsaRecipient.keyFile().toString(),
                        "-out", dir.resolve("out").toString());
                assertNotEquals(0, res.exit(), "part " + p.index() + " decrypted despite a flipped byte");
            }
        }
    }

    @Test
    void anEditedManifestFailsVerification(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(500, 4);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("ec"))) {
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(3, data), Sources.bytes(data), IngestListener.NONE);
            String edited = new String(r.manifestJson()).replace("officer-7", "officer-8");
            Path json = Files.writeString(dir.resolve("edited.json"), edited);
            var res = Openssl.run("cms", "-verify", "-binary", "-inform", "DER", "-in",
                    f.spool.resolve(Spool.signatureName(3)).toString(), "-content", json.toString(),
                    "-CAfile", f.pki.caFile().toString(), "-purpose", "any", "-out", "/dev/null");
            assertNotEquals(0, res.exit(), res.output());
        }
    }

    @Test
    void aZeroByteFileIsOneEmptyPart(@TempDir Path dir) throws Exception {
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(4, new byte[0]), Sources.bytes(new byte[0]), IngestListener.NONE);
            assertEquals(1, r.parts().size());
            assertEquals(sha256(new byte[0]), r.plaintextSha256());
        }
    }

    @Test
    void aFileThatChangedDuringTheReadIsNotIngested(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(2 * PART, 5);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestSource changed = new IngestSource() {
                @Override
                public InputStream open() {
                    return new java.io.ByteArrayInputStream(data);
                }

                @Override
                public boolean unchanged() {
                    return false;
                }
            };
            FileChangedException e = assertThrows(FileChangedException.class,
                    () -> f.ingestor.ingest(CustodyFixture.request(5, data), changed, IngestListener.NONE));
            assertTrue(e.getMessage().contains("camera BWC-1 bay 2: DCIM/100/VID0001.MP4"), e.getMessage());
            assertTrue(e.retryable());
            assertSpoolEmpty(f);

            // Shorter than listed: the camera truncated it mid-read.
            byte[] shorter = java.util.Arrays.copyOf(data, PART);
            assertThrows(FileChangedException.class,
                    () -> f.ingestor.ingest(CustodyFixture.request(5, data), Sources.bytes(shorter), IngestListener.NONE));
            // Longer than listed: it grew.
            byte[] longer = java.util.Arrays.copyOf(data, 3 * PART);
            assertThrows(FileChangedException.class,
                    () -> f.ingestor.ingest(CustodyFixture.request(5, data), Sources.bytes(longer), IngestListener.NONE));
            assertSpoolEmpty(f);
        }
    }

    /** As when a camera is pulled out mid-read: the block device answers EIO before any undock is seen. */
    @Test
    void aReadErrorIsRetryableAndLeavesNothingInTheSpool(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(3 * PART, 6);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestSource failing = new IngestSource() {
                @Override
                public InputStream open() {
                    return new java.io.FilterInputStream(new java.io.ByteArrayInputStream(data)) {
                        long read;

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (read >= 2L * PART) { // the third part's first read
                                throw new IOException("Input/output error");
                            }
                            int n = super.read(b, off, len);
                            read += Math.max(0, n);
                            return n;
                        }
                    };
                }

                @Override
                public boolean unchanged() {
                    return true;
                }
            };
            IngestException e = assertThrows(IngestException.class,
                    () -> f.ingestor.ingest(CustodyFixture.request(6, data), failing, IngestListener.NONE));
            assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
            assertTrue(e.retryable(), "read again at the next dock, not quarantined");
            assertSpoolEmpty(f);
        }
    }

    /**
     * The camera will not open the file (mode 000 for a non-root reader; a name it lists but cannot
     * find again): refused, saying why (the JDK's own message is only the path), never retried in
     * this docking. An I/O error at open (a camera pulled) stays retryable.
     */
    @Test
    void aFileTheCameraWillNotOpenIsRefusedSayingWhyAndAnIoErrorStaysRetryable(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(1000, 8);
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestException denied = assertThrows(IngestException.class, () -> f.ingestor.ingest(CustodyFixture.request(8, data),
                    failingOpen(new java.nio.file.AccessDeniedException("/media/cam/DCIM/100/VID0001.MP4")), IngestListener.NONE));
            assertTrue(denied.refused() && !denied.retryable(), "refused, not FAILED");
            assertTrue(denied.getMessage().endsWith("DCIM/100/VID0001.MP4: cannot be read: permission denied"), denied.getMessage());
            IngestException unnamed = assertThrows(IngestException.class, () -> f.ingestor.ingest(CustodyFixture.request(9, data),
                    failingOpen(new java.nio.file.NoSuchFileException("/media/cam/DCIM/100/VID0001.MP4")), IngestListener.NONE));
            assertTrue(unnamed.refused() && unnamed.getMessage().contains("finds no file by the name it listed"), unnamed.getMessage());
            IngestException io = assertThrows(IngestException.class, () -> f.ingestor.ingest(CustodyFixture.request(10, data),
                    failingOpen(new IOException("Input/output error")), IngestListener.NONE));
            assertTrue(io.retryable() && !io.refused(), "an I/O error is read again at the next dock");
            assertSpoolEmpty(f);
        }
    }

    private static IngestSource failingOpen(IOException e) {
        return new IngestSource() {
            @Override
            public InputStream open() throws IOException {
                throw e;
            }

            @Override
            public boolean unchanged() {
                return true;
            }
        };
    }

    /** A name that is not UTF-8: its bytes in pathBytesHex, its escaped form in path (docs/manifest.md). */
    @Test
    void aNameThatIsNotUtf8IsKeptAsBytesInTheManifest(@TempDir Path dir) throws Exception {
        byte[] data = Sources.random(1000, 11);
        byte[] raw = {'D', 'C', 'I', 'M', '/', 'c', 'l', 'i', 'p', (byte) 0xff, '\n', '.', 'M', 'P', '4'};
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"))) {
            IngestResult r = f.ingestor.ingest(new IngestRequest(11, "BWC-1", 2, null, org.bwcdock.format.NameBytes.decode(raw), null,
                    data.length, 1_700_000_000_000L, "0".repeat(64)), Sources.bytes(data), IngestListener.NONE);
            org.bwcdock.format.Manifest m = org.bwcdock.format.Manifest.decode(r.manifestJson());
            assertArrayEquals(raw, m.file().pathBytes());
            assertEquals("DCIM/clip\\xff\\n.MP4", m.file().path());
        }
    }

    static void assertSpoolEmpty(CustodyFixture f) throws IOException {
        try (var files = Files.list(f.spool.directory())) {
            List<Path> left = files.toList();
            assertTrue(left.isEmpty(), "spool should be empty: " + left);
        }
        assertEquals(0, f.spool.usedBytes());
    }

    @Test
    void spoolFullMakesIngestWaitUntilRoomIsFreed(@TempDir Path dir) throws Exception {
        byte[] first = Sources.random(PART, 7);
        byte[] second = Sources.random(PART, 8);
        // Room for about one part: the second ingest must wait for the first file to leave.
        try (CustodyFixture f = new CustodyFixture(dir, PART, PART + 40_000, List.of("rsa"))) {
            f.ingestor.ingest(CustodyFixture.request(1, first), Sources.bytes(first), IngestListener.NONE);
            var waiting = new java.util.concurrent.CountDownLatch(1);
            var result = new java.util.concurrent.atomic.AtomicReference<IngestResult>();
            Thread t = new Thread(() -> {
                try {
                    result.set(f.ingestor.ingest(CustodyFixture.request(2, second), Sources.bytes(second), new IngestListener() {
                        @Override
                        public void progress(long done, long total) {
                        }

                        @Override
                        public void waitingForSpool() {
                            waiting.countDown();
                        }
                    }));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "test-ingest-2");
            t.start();
            assertTrue(waiting.await(20, java.util.concurrent.TimeUnit.SECONDS), "second ingest never reported a full spool");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!f.spool.full() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(f.spool.full(), "the spool never reported an ingest waiting for room");
            assertTrue(t.isAlive());
            f.spool.deleteAll(1); // the first file was receipted
            t.join(30_000);
            assertFalse(t.isAlive());
            assertEquals(sha256(second), result.get().plaintextSha256());
        }
    }

    /**
     * Two files of three parts each, read side by side, into a spool with room for one file and a
     * part: each file's first part is read before either goes on. Taking room a part at a time, the
     * two would fill the spool with two half files and wait for each other for ever; the first file
     * admitted completes, and the second follows once the first has left the spool (receipted).
     */
    @Test
    void filesReadSideBySideIntoASmallSpoolDoNotWaitForEachOther(@TempDir Path dir) throws Exception {
        byte[][] data = {Sources.random(3 * PART, 11), Sources.random(3 * PART, 12)};
        long partRoom = PART + 16 * 1024;
        try (CustodyFixture f = new CustodyFixture(dir, PART, 4 * partRoom, List.of("rsa"))) {
            var firstPartsRead = new java.util.concurrent.CountDownLatch(2);
            var results = new java.util.concurrent.ConcurrentHashMap<Integer, IngestResult>();
            var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
            List<Thread> threads = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int file = i + 1;
                IngestSource source = new IngestSource() {
                    @Override
                    public InputStream open() {
                        return new java.io.ByteArrayInputStream(data[file - 1]) {
                            private boolean gated;

                            @Override
                            public synchronized int read(byte[] b, int off, int len) {
                                // The ingest never reads across a part boundary: pos == PART starts the second part.
                                if (pos >= PART && !gated) {
                                    gated = true;
                                    firstPartsRead.countDown();
                                    try {
                                        // Both first parts read before either file goes on (bounded).
                                        firstPartsRead.await(10, java.util.concurrent.TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                                return super.read(b, off, len);
                            }
                        };
                    }

                    @Override
                    public boolean unchanged() {
                        return true;
                    }
                };
                Thread t = new Thread(() -> {
                    try {
                        results.put(file, f.ingestor.ingest(CustodyFixture.request(file, data[file - 1]), source, IngestListener.NONE));
                    } catch (Exception | Error e) {
                        failures.add(e);
                    }
                }, "test-ingest-" + file);
                threads.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (results.isEmpty() && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // poll
            }
            assertTrue(failures.isEmpty(), () -> "ingest failed: " + failures);
            assertEquals(1, results.size(), "one file, admitted whole, completes on its own; the spool holds "
                    + f.spool.usedBytes() + " of " + f.spool.quotaBytes() + " bytes");
            int first = results.keySet().iterator().next();
            f.spool.deleteAll(first); // receipted: it leaves the spool, and the other file gets its room
            for (Thread t : threads) {
                t.join(20_000);
                assertFalse(t.isAlive(), t.getName() + " still ingesting");
            }
            assertTrue(failures.isEmpty(), () -> "ingest failed: " + failures);
            for (int file = 1; file <= 2; file++) {
                assertEquals(sha256(data[file - 1]), results.get(file).plaintextSha256());
                assertEquals(3, results.get(file).parts().size());
            }
        }
    }
}
