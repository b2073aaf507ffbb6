package org.bwcdock.agent.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.events.EventJson;
import org.bwcdock.format.NameBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names a hostile camera gives its files (a newline and a forged line, an ANSI colour, bytes that
 * are not UTF-8) reach neither an MQTT payload nor the audit log raw. The log lines are
 * LogEscapingTest's.
 */
@Timeout(30)
class HostileNamesTest {
    private static final String NAME = "DCIM/VID\nINFO forged line\u001b[31m" + new String(new byte[] {(byte) 0xff}, StandardCharsets.ISO_8859_1)
            + "\u009b.MP4";

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    }

    @Test
    void anMqttPayloadCarriesTheNameEscaped() throws Exception {
        String json = EventJson.encode(new DockEvent.FileSkipped(2, "BWC\u001b[2J", NAME, "not a regular file"));
        String path = new ObjectMapper().readTree(json).get("path").asText();
        assertFalse(hasControl(path), "decoded path still holds a control character: " + path);
        assertEquals("DCIM/VID\\nINFO forged line\\x1b[31m\u00ff\\u009b.MP4", path);
        assertEquals("BWC\\x1b[2J", new ObjectMapper().readTree(json).get("cameraId").asText());
    }

    @Test
    void theAuditLogStoresTheNameEscapedAndStillVerifies(@TempDir Path dir) throws Exception {
        try (Ledger ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC())) {
            ledger.audit("camera\u001b]0;pwned\u0007", "file-skipped", "BWC-1:" + NAME, "reason\r\nINFO forged");
            assertTrue(ledger.verifyAudit().ok());
        }
        List<String> cells = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
             ResultSet r = c.createStatement().executeQuery("SELECT actor, subject, detail FROM audit WHERE action = 'file-skipped'")) {
            while (r.next()) {
                cells.add(r.getString(1));
                cells.add(r.getString(2));
                cells.add(r.getString(3));
            }
        }
        assertEquals(3, cells.size());
        cells.forEach(cell -> assertFalse(hasControl(cell), "raw control character in the audit log: " + cell));
        assertEquals("BWC-1:DCIM/VID\\nINFO forged line\\x1b[31m\u00ff\\u009b.MP4", cells.get(1));
        assertEquals("reason\\r\\nINFO forged", cells.get(2));
    }

    /**
     * A name that is not UTF-8 (a NameBytes string) keeps its bytes in the ledger across a restart,
     * is found again by them, stays apart from a name differing in one such byte, and is shown
     * escaped once in the audit log and the event.
     */
    @Test
    void aNameThatIsNotUtf8KeepsItsBytesInTheLedger(@TempDir Path dir) throws Exception {
        String ff = NameBytes.decode(new byte[] {'V', (byte) 0xff, '.', 'M', 'P', '4'});
        String fe = NameBytes.decode(new byte[] {'V', (byte) 0xfe, '.', 'M', 'P', '4'});
        long id;
        try (Ledger ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC())) {
            ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
            id = ledger.discover("BWC-1", ff, 10, 1_000);
            assertFalse(id == ledger.discover("BWC-1", fe, 10, 1_000), "another byte, another file");
            assertTrue(ledger.pendingEvents(100).stream().anyMatch(e -> e.type().equals("evidence-state")
                    && e.payloadJson().contains("\"path\":\"V\\\\xff.MP4\"")), "the event shows the byte escaped once");
        }
        try (Ledger ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC())) {
            assertEquals(id, ledger.discover("BWC-1", ff, 10, 1_000), "found again by its bytes after a restart");
            assertEquals(ff, ledger.file(id).orElseThrow().relativePath());
            assertTrue(ledger.verifyAudit().ok());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
             ResultSet r = c.createStatement().executeQuery("SELECT relative_path, hex(path_bytes) FROM evidence_files WHERE id = " + id)) {
            assertTrue(r.next());
            assertEquals("V\\xff.MP4", r.getString(1), "readable in sqlite3");
            assertEquals("56FF2E4D5034", r.getString(2));
        }
    }
}
