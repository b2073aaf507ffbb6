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
 */
public record ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                               Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes,
                               Faults faults, Optional<Path> crl, ReceiverLimits limits) {
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

    /** With the default limits. */
    public ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                            Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes, Faults faults,
                            Optional<Path> crl) {
        this(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes, faults, crl,
                ReceiverLimits.DEFAULTS);
    }

    public ReceiverSettings withCrl(Path file) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, uploadExpiry, maxUploadBytes,
                faults, Optional.of(file), limits);
    }

    public ReceiverSettings withLimits(ReceiverLimits l) {
        return new ReceiverSettings(bind, store, tlsChain, tlsKey, agencyCas, receiptCert, receiptKey, l.uploadExpiry(), maxUploadBytes,
                faults, crl, l);
    }
}
