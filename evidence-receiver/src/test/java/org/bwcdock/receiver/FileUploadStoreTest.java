package org.bwcdock.receiver;

import org.bwcdock.format.pki.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A commit does not read an upload that arrived whole in one PATCH: the digest taken while its body
 * was staged is the upload's. Uploads that came in pieces, or that a restarted receiver never saw
 * arrive, are hashed from the stored bytes.
 */
@Timeout(60)
class FileUploadStoreTest {
    @TempDir
    Path dir;

    private FileUploadStore store() throws Exception {
        return new FileUploadStore(dir, Duration.ofHours(1), Clock.systemUTC(), 10, 1L << 30);
    }

    private static void patch(UploadStore store, UploadStore.Upload u, long offset, byte[] body) throws Exception {
        try (WritableByteChannel c = store.stage(u)) {
            c.write(ByteBuffer.wrap(body));
        }
        store.keepStaged(u, offset, body.length, Digests.sha256().digest(body));
    }

    private static byte[] random(int seed) {
        byte[] b = new byte[300_000];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aWholeUploadInOneBodyIsNotReadAgainAtTheCommit() throws Exception {
        byte[] part = random(1);
        FileUploadStore store = store();
        UploadStore.Upload u = store.create("dock-1", part.length);
        patch(store, u, 0, part);
        // Other bytes of the same length where the upload is stored: only a read of the file would see them.
        byte[] other = part.clone();
        other[1000] ^= 1;
        Files.write(store.bin(u.id()), other);
        assertEquals(Digests.sha256Hex(part), store.sha256(u), "the digest taken as the body arrived");
        assertEquals(Digests.sha256Hex(other), store().sha256(u), "a receiver that did not see it arrive hashes the stored bytes");
    }

    @Test
    void anUploadInPiecesIsHashedFromTheStoredBytes() throws Exception {
        byte[] part = random(2);
        FileUploadStore store = store();
        UploadStore.Upload u = store.create("dock-1", part.length);
        patch(store, u, 0, Arrays.copyOfRange(part, 0, 100_000));
        patch(store, u, 100_000, Arrays.copyOfRange(part, 100_000, part.length));
        assertEquals(Digests.sha256Hex(part), store.sha256(u));
    }

    @Test
    void aRemovedUploadsDigestIsForgotten() throws Exception {
        byte[] part = new byte[1000];
        FileUploadStore store = store();
        UploadStore.Upload u = store.create("dock-1", part.length);
        patch(store, u, 0, part);
        store.delete(u);
        Files.write(store.bin(u.id()), new byte[] {1});
        assertEquals(Digests.sha256Hex(new byte[] {1}), store.sha256(u));
    }
}
