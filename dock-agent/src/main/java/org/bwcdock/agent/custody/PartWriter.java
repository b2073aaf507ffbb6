package org.bwcdock.agent.custody;

import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The encrypt thread's half of one ingest: takes the plaintext chunks in order, writes each part
 * as CMS AuthEnvelopedData (AES-256-GCM) into the spool while hashing the ciphertext, and hands
 * each finished part to a sync thread, so that the fsync of part k overlaps the encryption of
 * part k+1. Spool room for the whole file is admitted before the first byte is written.
 */
final class PartWriter {
    private static final Logger log = LoggerFactory.getLogger(PartWriter.class);
    /** CMS framing + recipient infos + tag, on top of the plaintext length. */
    private static final int PART_OVERHEAD = 16 * 1024;

    private final IngestRequest req;
    private final CustodySettings settings;
    private final Spool spool;
    private final Recipients recipients;
    private final SecureRandom random;
    private final ExecutorService syncers;
    private final IngestListener listener;
    /** The first part this writer writes: those before it were kept from an interrupted ingest. */
    private final int first;
    /** Names of the parts told durable, in order; read by the ingest when it is cancelled. */
    private final java.util.Set<String> durable;

    PartWriter(IngestRequest req, CustodySettings settings, Spool spool, Recipients recipients, SecureRandom random,
               ExecutorService syncers, IngestListener listener, int first, java.util.Set<String> durable) {
        this.first = first;
        this.durable = durable;
        this.req = req;
        this.settings = settings;
        this.spool = spool;
        this.recipients = recipients;
        this.random = random;
        this.syncers = syncers;
        this.listener = listener;
    }

    List<PartRecord> write(BlockingQueue<Chunk> work, BlockingQueue<byte[]> free) throws Exception {
        // fsync of a 64 MiB part takes tens of milliseconds; it runs on a sync thread while the next
        // part is already being encrypted, so the disk and the CPU work at the same time.
        List<Future<PartRecord>> committed = new ArrayList<>();
        Spool.Pending pending = null;
        OutputStream cms = null;
        DigestOutputStream counted = null;
        long reserved = 0;
        long unclaimed = 0; // room admitted for the whole file that no part has taken yet
        boolean admitted = false;
        Future<PartRecord> previous = null;
        try {
            while (true) {
                Chunk c = work.take();
                if (c == Chunk.ABORT) {
                    throw new InterruptedException("ingest aborted");
                }
                if (cms == null) {
                    if (!admitted) {
                        unclaimed = admit();
                        admitted = true;
                    }
                    reserved = partLength(c.part()) + PART_OVERHEAD;
                    unclaimed -= reserved;
                    pending = spool.create(Spool.partName(req.fileId(), c.part()));
                    counted = new DigestOutputStream(new BufferedOutputStream(pending.stream(), 256 * 1024), CmsIngestor.sha256());
                    cms = openCms(counted);
                }
                cms.write(c.buffer(), 0, c.length());
                free.put(c.buffer());
                if (c.lastOfPart()) {
                    cms.close();
                    counted.flush();
                    previous = commitLater(c, pending, CmsIngestor.hex(counted.getMessageDigest().digest()), reserved, previous);
                    committed.add(previous);
                    pending = null;
                    reserved = 0;
                    cms = null;
                    if ((long) c.part() * settings.partSize() + partLength(c.part()) >= req.size()) {
                        List<PartRecord> parts = new ArrayList<>();
                        for (Future<PartRecord> f : committed) {
                            parts.add(f.get());
                        }
                        return parts;
                    }
                }
            }
        } finally {
            if (pending != null) {
                pending.close();
            }
            if (reserved > 0) {
                spool.release(reserved);
            }
            if (unclaimed > 0) {
                spool.release(unclaimed);
            }
            for (Future<PartRecord> f : committed) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    log.debug("{}: part commit failed during abort: {}", req.where(), e.getCause().toString());
                }
            }
        }
    }

    /** Spool room for every part of the file, admitted before the first part is written ({@link Spool#admit}). */
    private long admit() throws InterruptedException, IngestException {
        long room = 0;
        int parts = (int) Math.max(1, (req.size() + settings.partSize() - 1) / settings.partSize());
        for (int i = first; i < parts; i++) {
            room += partLength(i) + PART_OVERHEAD;
        }
        if (!spool.admit(req.cameraId(), req.fileId(), room, settings.spoolWait(), listener::waitingForSpool)) {
            throw new IngestException(req.where() + ": spool stayed full for " + settings.spoolWait()
                    + "; will retry", true, null);
        }
        return room;
    }

    /**
     * Commits the part on a sync thread, then tells the listener once every earlier part was told:
     * parts are reported in index order, so the ledger's parts of an unfinished file are always a prefix.
     */
    private Future<PartRecord> commitLater(Chunk last, Spool.Pending pending, String cipherSha256, long reserved,
                                           Future<PartRecord> previous) {
        return syncers.submit(() -> {
            PartRecord part;
            try (pending) {
                long length = pending.commit();
                spool.release(reserved - length);
                part = new PartRecord(last.part(), (long) last.part() * settings.partSize(), partLength(last.part()),
                        last.partSha256(), cipherSha256, length, Spool.partName(req.fileId(), last.part()), null, 0);
            } catch (IOException | RuntimeException e) {
                spool.release(reserved);
                throw e;
            }
            if (previous != null) {
                previous.get(); // fails this one too if an earlier part failed: nothing is told out of order
            }
            listener.partDurable(part);
            durable.add(part.spoolFile());
            return part;
        });
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

    private long partLength(int index) {
        long offset = (long) index * settings.partSize();
        return Math.min(settings.partSize(), req.size() - offset);
    }
}
