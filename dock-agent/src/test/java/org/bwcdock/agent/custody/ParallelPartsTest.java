package org.bwcdock.agent.custody;

import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.format.Manifest;
import org.bwcdock.testing.Openssl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #21, point 2: the parts of one file encrypted on several threads at once. The same file with
 * one and with four encrypt threads gives the same parts (plaintext hashes, lengths, decrypted
 * content) and a manifest whose hashes are those of the spool files; with one thread never two parts
 * are written at once, with four several are. A part that fails fails the whole file: no part is
 * told durable after it, and nothing of the file stays in the spool.
 */
@Timeout(120)
class ParallelPartsTest {
    private static final int PART = 256 * 1024;
    private static final byte[] DATA = Sources.random(12 * PART + 12_345, 2121);

    private record Run(IngestResult result, List<Integer> told, int mostAtOnce, List<byte[]> decrypted) {
    }

    @Test
    void oneAndFourEncryptThreadsGiveTheSameDecryptableParts(@TempDir Path dir) throws Exception {
        Run one = ingest(dir.resolve("one"), 1);
        Run four = ingest(dir.resolve("four"), 4);
        assertEquals(1, one.mostAtOnce(), "with one encrypt thread, parts written at once");
        assertTrue(four.mostAtOnce() >= 2, "with four encrypt threads, parts written at once: " + four.mostAtOnce());
        assertEquals(one.result().plaintextSha256(), four.result().plaintextSha256());
        assertEquals(hex(sha256(DATA)), four.result().plaintextSha256());
        assertEquals(13, four.result().parts().size());
        for (int i = 0; i < 13; i++) {
            PartRecord a = one.result().parts().get(i);
            PartRecord b = four.result().parts().get(i);
            assertEquals(List.of(i, a.offset(), a.length(), a.plaintextSha256()), List.of(b.index(), b.offset(), b.length(),
                    b.plaintextSha256()), "part " + i);
            assertTrue(Arrays.equals(one.decrypted().get(i), four.decrypted().get(i)), "part " + i + " decrypts the same");
        }
        assertEquals(IntStream.range(0, 13).boxed().toList(), four.told(), "parts told durable, in order");
    }

    private static Run ingest(Path dir, int threads) throws Exception {
        WatchedSpool[] watched = new WatchedSpool[1];
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"), threads,
                s -> watched[0] = new WatchedSpool(s, 3, name -> false))) {
            List<Integer> told = new CopyOnWriteArrayList<>();
            IngestResult r = f.ingestor.ingest(CustodyFixture.request(1, DATA), Sources.bytes(DATA), new IngestListener() {
                @Override
                public void progress(long done, long total) {
                }

                @Override
                public void partDurable(PartRecord part) {
                    told.add(part.index());
                }
            });
            Manifest m = Manifest.decode(r.manifestJson());
            List<byte[]> decrypted = new ArrayList<>();
            for (PartRecord p : r.parts()) {
                Path part = f.spool.resolve(p.spoolFile());
                byte[] cipher = Files.readAllBytes(part);
                Manifest.Part listed = m.parts().get(p.index());
                assertEquals(List.of(p.index(), hex(sha256(cipher)), (long) cipher.length, p.plaintextSha256()),
                        List.of(listed.index(), listed.ciphertextSha256(), listed.ciphertextLength(), listed.plaintextSha256()),
                        threads + " thread(s): the manifest's part " + p.index() + " against the spool file");
                Path out = dir.resolve("plain-" + p.index());
                var res = Openssl.run("cms", "-decrypt", "-binary", "-inform", "DER", "-in", part.toString(),
                        "-recip", f.rsaRecipient.certFile().toString(), "-inkey", f.rsaRecipient.keyFile().toString(),
                        "-out", out.toString());
                assertEquals(0, res.exit(), res.output());
                byte[] plain = Files.readAllBytes(out);
                assertTrue(Arrays.equals(Arrays.copyOfRange(DATA, (int) p.offset(), (int) (p.offset() + p.length())), plain),
                        threads + " thread(s): part " + p.index() + " decrypts to its slice of the file");
                assertEquals(hex(sha256(plain)), p.plaintextSha256());
                decrypted.add(plain);
            }
            assertEquals(hex(sha256(DATA)), m.file().sha256(), "the manifest's whole-file hash");
            return new Run(r, told, watched[0].mostPartsWrittenAtOnce(), decrypted);
        }
    }

    @Test
    void aPartThatFailsFailsTheFileAndNothingOfItStays(@TempDir Path dir) throws Exception {
        try (CustodyFixture f = new CustodyFixture(dir, PART, 1L << 30, List.of("rsa"), 4,
                s -> new WatchedSpool(s, 3, name -> name.equals("f1-p5.cms")))) {
            List<Integer> told = new CopyOnWriteArrayList<>();
            IngestException e = assertThrows(IngestException.class, () -> f.ingestor.ingest(CustodyFixture.request(1, DATA),
                    Sources.bytes(DATA), new IngestListener() {
                        @Override
                        public void progress(long done, long total) {
                        }

                        @Override
                        public void partDurable(PartRecord part) {
                            told.add(part.index());
                        }
                    }));
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("simulated disk failure writing f1-p5.cms"), e.getMessage());
            assertEquals(IntStream.range(0, told.size()).boxed().toList(), told, "told in order");
            assertTrue(told.size() <= 5, "a part after the failed one was told durable: " + told);
            IngestTest.assertSpoolEmpty(f);
        }
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
