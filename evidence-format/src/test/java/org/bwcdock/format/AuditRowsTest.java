package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class AuditRowsTest {
    private static List<AuditRows.Row> chain() {
        String h1 = AuditRows.rowHash(7, 1000, AuditRows.fieldsHash("agent", "file-ingesting", "BWC-1:A.MP4", "file 3"), AuditRows.GENESIS);
        String h2 = AuditRows.rowHash(8, 1001, AuditRows.fieldsHash("mqtt", "assign", "BWC-2", "officer 9"), h1);
        return List.of(AuditRows.Row.shown(7, 1000, "agent", "file-ingesting", "BWC-1:A.MP4", "file 3", AuditRows.GENESIS, h1),
                AuditRows.Row.shown(8, 1001, "mqtt", "assign", "BWC-2", "officer 9", h1, h2).hidden());
    }

    @Test
    void aHiddenRowStillLinksAndTheTextRoundTrips() throws Exception {
        byte[] text = AuditRows.format(chain());
        List<AuditRows.Row> back = AuditRows.parse(text);
        assertEquals(chain(), back);
        assertNull(AuditRows.problem(back));
        assertTrue(new String(text, StandardCharsets.UTF_8).contains("\nH\t8\t1001\t"), new String(text, StandardCharsets.UTF_8));
        // The same hash as `printf 'bwcdock-audit-2\t7\t1000\t%s\t%s\n' FIELDS PREV | sha256sum`: text, nothing binary.
        assertEquals(org.bwcdock.format.pki.Digests.sha256Hex(("bwcdock-audit-2\t7\t1000\t" + back.get(0).fields() + "\t"
                + AuditRows.GENESIS + "\n").getBytes(StandardCharsets.UTF_8)), back.get(0).hash());
    }

    @Test
    void brokenChainsAndMalformedLinesAreNamed() throws Exception {
        List<AuditRows.Row> c = chain();
        AuditRows.Row edited = AuditRows.Row.shown(7, 1000, "agent", "file-ingesting", "BWC-1:B.MP4", "file 3", AuditRows.GENESIS,
                c.get(0).hash());
        assertEquals("row 7: its hash does not recompute (altered)", AuditRows.problem(List.of(edited, c.get(1))));
        assertEquals("row 8 follows row 8 (rows are missing)", AuditRows.problem(List.of(c.get(1), c.get(1))));
        assertEquals("audit rows line 1: not a row (R with 9 fields or H with 6, tab-separated)",
                assertThrows(FormatException.class, () -> AuditRows.parse("X\t1\n".getBytes(StandardCharsets.UTF_8))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AuditRows.fieldsHash("a", "b", "c\td", "e"),
                "a raw tab would make the line ambiguous");
    }
}
