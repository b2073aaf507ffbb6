package org.bwcdock.receiver;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * @param tlsChain the receiver's server certificate chain (PEM); its key in {@code tlsKey}
 * @param agencyCas CAs whose docks may upload (client certificates and manifest signers)
 * @param faults test hook; {@link Faults#NONE} in production
 * @param crl the agency CA's revocation list: revoked docks are refused (re-read when the file changes)
 * @param limits deadlines, per-dock limits and the expiry sweep; {@code uploadExpiry} wins over its expiry
 * @param s3 committed evidence and the uploads in progress in an S3-compatible bucket instead of
 *           {@code store/evidence} and {@code store/uploads}; {@code store/staging} then only holds
 *           PATCH bodies until their checksum passed
 * @param tsa the agency TSA: manifest tokens from docks are checked against it, and every receipt is
 *            stamped by it ({@code receipt.tsr}); empty: no trusted time (receipts say nothing about tokens)
 */
public record ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                               Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes,
                               Faults faults, Optional<Path> crl, ReceiverLimits limits,
                               Optional<S3Storage> s3, Optional<Timestamping> tsa) {
    /** @param retryInterval how often receipts still without a token are stamped again */
    public record Timestamping(org.bwcdock.format.tsa.TsaSettings tsa, Duration retryInterval) {
        public Timestamping {
            if (retryInterval.isNegative() || retryInterval.isZero()) {
                throw new IllegalArgumentException("tsa-retry-interval: " + retryInterval + " is not positive");
            }
        }
    }

    public ReceiverSettings {
        if (maxUploadBytes < 0) {
            throw new IllegalArgumentException("max-upload: " + maxUploadBytes + " is negative");
        }
        limits = limits.withExpiry(uploadExpiry, limits.sweepInterval()); // validates uploadExpiry, naming the key
    }

    /** Without a CRL, with the default limits. */
    public ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                            Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes, Faults faults) {
        this(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes, faults, Optional.empty());
    }

    public ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                            Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes, Faults faults,
                            Optional<Path> crl, ReceiverLimits limits) {
        this(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes, faults, crl, limits,
                Optional.empty(), Optional.empty());
    }

    /** With the default limits. */
    public ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                            Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes, Faults faults,
                            Optional<Path> crl) {
        this(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes, faults, crl,
                ReceiverLimits.DEFAULTS);
    }

    public ReceiverSettings withCrl(Path file) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes,
                faults, Optional.of(file), limits, s3, tsa);
    }

    public ReceiverSettings withLimits(ReceiverLimits l) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, l.uploadExpiry(), maxUploadBytes,
                faults, crl, l, s3, tsa);
    }

    /** Committed evidence in this bucket. */
    public ReceiverSettings withS3(S3Storage bucket) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes,
                faults, crl, limits, Optional.of(bucket), tsa);
    }

    /** Trusted time from this TSA. */
    public ReceiverSettings withTsa(Timestamping t) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes,
                faults, crl, limits, s3, Optional.of(t));
    }
}
