package org.bwcdock.agent.upload;

import javax.net.ssl.SSLContext;
import java.net.URI;
import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.ReceiptSigners;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * @param base the receiver's base URL: uploads go to {@code base/uploads}, commits to {@code base/commit}
 * @param tls mutual TLS; empty only for http:// to loopback (tests against other tus servers)
 * @param receiptSigners who may sign the receipt that releases a wipe
 * @param deadline how long one delivery may keep retrying before it gives up (it is tried again later)
 * @param windows daily spans with their own rate (0 = closed) in {@code zone}'s local time; outside them the bandwidth limit
 * @param auditCheckpoints the dock's newest signed audit checkpoint, sent with every commit (the receiver keeps the newest)
 */
public record SinkSettings(URI base, Optional<SSLContext> tls, ReceiptSigners receiptSigners, int chunkBytes,
                           Duration connectTimeout, Duration requestTimeout, Duration deadline, Duration maxBackoff,
                           long bandwidthBytesPerSecond, String dockId, List<UploadWindow> windows,
                           Clock clock, ZoneId zone, Supplier<Optional<AuditCheckpoint.Signed>> auditCheckpoints) {
    public SinkSettings {
        if (chunkBytes < 1024) {
            throw new IllegalArgumentException("chunkBytes must be at least 1024, not " + chunkBytes);
        }
        windows = List.copyOf(windows);
    }

    /**
     * The PATCH size that sends every part in one request. A part's CMS encoding is its plaintext plus
     * the recipient infos, the GCM tag and a BER header per encrypted chunk: far below a 32nd of it
     * plus 1 MiB. One request per part is what lets its checksum be the hash recorded at ingest; the
     * plaintext part size as the chunk cut every part in two and hashed the first piece again (a
     * whole extra SHA-256 pass over the upload, found with JFR).
     */
    public static int oneRequestPerPart(int partSize) {
        return Math.addExact(Math.addExact(partSize, partSize / 32), 1 << 20);
    }

    /** No upload windows: the bandwidth limit holds all day. */
    public SinkSettings(URI base, Optional<SSLContext> tls, ReceiptSigners receiptSigners, int chunkBytes,
                        Duration connectTimeout, Duration requestTimeout, Duration deadline, Duration maxBackoff,
                        long bandwidthBytesPerSecond, String dockId) {
        this(base, tls, receiptSigners, chunkBytes, connectTimeout, requestTimeout, deadline, maxBackoff, bandwidthBytesPerSecond,
                dockId, List.of(), Clock.systemUTC(), ZoneOffset.UTC, Optional::empty);
    }
}
