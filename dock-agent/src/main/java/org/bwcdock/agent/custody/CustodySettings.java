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
 */
public record CustodySettings(String dockId, int partSize, List<X509Certificate> recipients, PrivateKey signingKey,
                              List<X509Certificate> signingChain, String agentVersion, Duration spoolWait, Clock clock) {
    public CustodySettings {
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
                + " recipient(s), signer " + signingChain.get(0).getSubjectX500Principal() + "]";
    }
}
