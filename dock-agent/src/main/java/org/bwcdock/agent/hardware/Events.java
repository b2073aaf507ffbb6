package org.bwcdock.agent.hardware;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What the hardware's events may say about a badge (the events themselves are {@link org.bwcdock.agent.events.DockEvent}s). */
final class Events {
    private Events() {
    }

    /**
     * A badge UID is a credential (MIFARE UIDs can be cloned): events and logs carry only the
     * first 8 bytes of its SHA-256, enough to tell taps of the same badge apart.
     */
    static String badgeFingerprint(String uidHex) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(uidHex.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
