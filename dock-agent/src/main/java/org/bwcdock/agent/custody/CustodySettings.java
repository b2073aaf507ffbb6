package org.bwcdock.agent.custody;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What ingest needs: part size, who may decrypt (recipient certificates), and the dock's signing
 * identity. {@code toString()} never shows the key.
 *
 * @param spoolWait how long one part may wait for spool room before the ingest gives up (and is retried later)
 * @param encryptThreads how many parts of one file may be encrypted at once, each on its own thread (1..64;
 *                       each part's plaintext is hashed on a second thread)
 */
public record CustodySettings(String dockId, int partSize, List<X509Certificate> recipients, PrivateKey signingKey,
                              List<X509Certificate> signingChain, String agentVersion, Duration spoolWait, Clock clock,
                              int encryptThreads) {
    /** The most encrypt threads one ingest may use. */
    public static final int MAX_ENCRYPT_THREADS = 64;

    /** With as many encrypt threads as the JVM has processors (capped at {@link #MAX_ENCRYPT_THREADS}). */
    public CustodySettings(String dockId, int partSize, List<X509Certificate> recipients, PrivateKey signingKey,
                           List<X509Certificate> signingChain, String agentVersion, Duration spoolWait, Clock clock) {
        this(dockId, partSize, recipients, signingKey, signingChain, agentVersion, spoolWait, clock, defaultEncryptThreads());
    }

    public static int defaultEncryptThreads() {
        return Math.min(MAX_ENCRYPT_THREADS, Runtime.getRuntime().availableProcessors());
    }

    public CustodySettings {
        if (encryptThreads < 1 || encryptThreads > MAX_ENCRYPT_THREADS) {
            throw new IllegalArgumentException("encryptThreads must be 1.." + MAX_ENCRYPT_THREADS + ", not " + encryptThreads);
        }
        Objects.requireNonNull(dockId, "dockId");
        if (partSize < 1024) {
            throw new IllegalArgumentException("partSize must be at least 1024 bytes, not " + partSize);
        }
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient certificate is required");
        }
        Objects.requireNonNull(signingKey, "signingKey");
        signingChain = List.copyOf(signingChain);
        if (signingChain.isEmpty()) {
            throw new IllegalArgumentException("the signing certificate chain is empty");
        }
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String toString() {
        return "CustodySettings[dock " + dockId + ", parts of " + partSize + " bytes, " + recipients.size()
                + " recipient(s), " + encryptThreads + " encrypt thread(s), signer " + signingChain.get(0).getSubjectX500Principal() + "]";
    }
}
