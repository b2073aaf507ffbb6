package org.bwcdock.agent.custody;

import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bwcdock.agent.spool.Spool;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One part on two threads: {@link #hashPlaintext} hashes the part's plaintext chunks in order (the part's
 * SHA-256) while {@link #write} encrypts the same chunks into CMS AuthEnvelopedData (AES-256-GCM) in a
 * pending spool file, hashing the ciphertext; each buffer goes back when both are done with it. Two
 * threads because a large part (64 MiB) does not fit the bounded read-ahead: the next part's threads
 * start only when this one is nearly done, so one part's work is what runs side by side (1 GiB on two
 * cores: 1.91 s with both hashes on one thread, 1.58 s split; docs/performance.md). Parts of a size that
 * fits run at once on different threads ({@link PartDispatch}); the commit (fsync) is not done here.
 */
final class PartWriter {
    private final IngestRequest req;
    private final Spool spool;
    private final Recipients recipients;
    private final SecureRandom random;
    private final int index;

    /** What an encrypted part leaves for its commit. */
    record Written(int index, Spool.Pending pending, String plaintextSha256, String ciphertextSha256) {
    }

    PartWriter(IngestRequest req, Spool spool, Recipients recipients, SecureRandom random, int index) {
        this.req = req;
        this.spool = spool;
        this.recipients = recipients;
        this.random = random;
        this.index = index;
    }

    /** The part's plaintext SHA-256, hex. @throws InterruptedException on {@link Chunk#ABORT} */
    static String hashPlaintext(BlockingQueue<Chunk> chunks, Queue<byte[]> free) throws InterruptedException {
        MessageDigest plain = CmsIngestor.sha256();
        while (true) {
            Chunk c = chunks.take();
            if (c == Chunk.ABORT) {
                throw new InterruptedException("ingest aborted");
            }
            CmsIngestor.update(plain, c.buffer(), c.length());
            c.release(free);
            if (c.lastOfPart()) {
                return CmsIngestor.hex(plain.digest());
            }
        }
    }

    /**
     * @param plaintext the part's {@link #hashPlaintext}, running on another thread
     * @throws InterruptedException on {@link Chunk#ABORT}: the pending file is removed
     */
    Written write(BlockingQueue<Chunk> chunks, Queue<byte[]> free, Future<String> plaintext) throws IOException, InterruptedException {
        Spool.Pending pending = spool.create(Spool.partName(req.fileId(), index));
        boolean done = false;
        try {
            DigestOutputStream counted = new DigestOutputStream(new BufferedOutputStream(pending.stream(), 256 * 1024),
                    CmsIngestor.sha256());
            OutputStream cms = openCms(counted);
            while (true) {
                Chunk c = chunks.take();
                if (c == Chunk.ABORT) {
                    throw new InterruptedException("ingest aborted");
                }
                cms.write(c.buffer(), 0, c.length());
                c.release(free);
                if (c.lastOfPart()) {
                    cms.close();
                    counted.flush();
                    String plainSha256 = plaintextOf(plaintext);
                    done = true;
                    return new Written(index, pending, plainSha256, CmsIngestor.hex(counted.getMessageDigest().digest()));
                }
            }
        } finally {
            if (!done) {
                pending.close(); // removes the temp file
            }
        }
    }

    private String plaintextOf(Future<String> plaintext) throws IOException, InterruptedException {
        try {
            return plaintext.get();
        } catch (ExecutionException e) {
            throw new IOException("part " + index + ": hashing the plaintext failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private OutputStream openCms(OutputStream out) throws IOException {
        try {
            CMSAuthEnvelopedDataStreamGenerator gen = new CMSAuthEnvelopedDataStreamGenerator();
            gen.setBufferSize(CmsIngestor.UPDATE);
            for (RecipientInfoGenerator r : recipients.generatorsForOnePart()) {
                gen.addRecipientInfoGenerator(r);
            }
            return gen.open(out, new GcmEncryptor(random));
        } catch (GeneralSecurityException | CMSException e) {
            throw new IOException("cannot start CMS encryption: " + e.getMessage(), e);
        }
    }
}
