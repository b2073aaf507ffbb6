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
import java.util.concurrent.BlockingQueue;

/**
 * One part on one encrypt thread: takes the part's plaintext chunks in order, hashes them (the
 * part's SHA-256), writes CMS AuthEnvelopedData (AES-256-GCM) into a pending spool file while hashing
 * the ciphertext, and gives every buffer back as soon as it is encrypted. Several parts of one file
 * run at once on different threads ({@link PartDispatch}); the commit (fsync) is not done here.
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

    /** @throws InterruptedException on {@link Chunk#ABORT}: the pending file is removed */
    Written write(BlockingQueue<Chunk> chunks, BlockingQueue<byte[]> free) throws IOException, InterruptedException {
        MessageDigest plain = CmsIngestor.sha256();
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
                plain.update(c.buffer(), 0, c.length());
                cms.write(c.buffer(), 0, c.length());
                free.put(c.buffer());
                if (c.lastOfPart()) {
                    cms.close();
                    counted.flush();
                    done = true;
                    return new Written(index, pending, CmsIngestor.hex(plain.digest()),
                            CmsIngestor.hex(counted.getMessageDigest().digest()));
                }
            }
        } finally {
            if (!done) {
                pending.close(); // removes the temp file
            }
        }
    }

    private OutputStream openCms(OutputStream out) throws IOException {
        try {
            CMSAuthEnvelopedDataStreamGenerator gen = new CMSAuthEnvelopedDataStreamGenerator();
            gen.setBufferSize(CmsIngestor.CHUNK);
            for (RecipientInfoGenerator r : recipients.generatorsForOnePart()) {
                gen.addRecipientInfoGenerator(r);
            }
            return gen.open(out, new GcmEncryptor(random));
        } catch (GeneralSecurityException | CMSException e) {
            throw new IOException("cannot start CMS encryption: " + e.getMessage(), e);
        }
    }
}
