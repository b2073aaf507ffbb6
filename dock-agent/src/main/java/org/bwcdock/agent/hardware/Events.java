package org.bwcdock.agent.hardware;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Event payloads of the hardware parts. */
final class Events {
    private Events() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
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
