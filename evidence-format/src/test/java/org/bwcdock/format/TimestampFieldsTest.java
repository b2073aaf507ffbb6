package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trusted-time fields are additive: absent stays absent, and old messages still decode. */
@Timeout(10)
class TimestampFieldsTest {
    private static final String H = "a".repeat(64);

    @Test
    void aCommitCarriesTheManifestTokenOnlyWhenThereIsOne() throws Exception {
        byte[] token = {0x30, 0x03, 0x02, 0x01, 0x00};
        CommitRequest with = CommitRequest.decode(new CommitRequest(new byte[] {1}, new byte[] {2}, List.of("/uploads/a"),
                Optional.empty(), Optional.of(token)).encode());
        assertArrayEquals(token, with.manifestTimestamp().orElseThrow());
        byte[] without = new CommitRequest(new byte[] {1}, new byte[] {2}, List.of("/uploads/a")).encode();
        assertFalse(new String(without, StandardCharsets.UTF_8).contains("manifestTimestamp"));
        assertTrue(CommitRequest.decode(without).manifestTimestamp().isEmpty());
        FormatException e = assertThrows(FormatException.class, () -> CommitRequest.decode(
                "{\"manifest\":\"AQ==\",\"signature\":\"Ag==\",\"parts\":[],\"manifestTimestamp\":\"*\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("manifestTimestamp"), e.getMessage());
    }

    @Test
    void aReceiptSaysWhetherTheManifestTokenIsPresentAndOldReceiptsStillDecode() throws Exception {
        Receipt present = new Receipt("e", "d", "c", "p", H, H, List.of(H), "2026-12-01T10:00:00Z", Receipt.PRESENT);
        assertEquals(Receipt.PRESENT, Receipt.decode(present.encode()).manifestTimestamp());
        Receipt old = new Receipt("e", "d", "c", "p", H, H, List.of(H), "2026-12-01T10:00:00Z");
        assertFalse(new String(old.encode(), StandardCharsets.UTF_8).contains("manifestTimestamp"));
        assertNull(Receipt.decode(old.encode()).manifestTimestamp());
        String bad = new String(present.encode(), StandardCharsets.UTF_8).replace("\"present\"", "\"maybe\"");
        assertThrows(FormatException.class, () -> Receipt.decode(bad.getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> new Receipt("e", "d", "c", "p", H, H, List.of(H), "t", "maybe"));
    }
}
