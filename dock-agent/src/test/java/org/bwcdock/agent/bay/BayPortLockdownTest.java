package org.bwcdock.agent.bay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.TestConfigs;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.bwcdock.simulation.SimulatedBoard;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bay-port lockdown through the whole agent (simulated sysfs tree, directory volumes, real SQLite
 * ledger, simulated GPIO): a device on a bay port that is not only mass storage is de-authorised, leaves
 * an audit row and a bay-port-lockdown event, blinks the bay red, and nothing of it is mounted or read — even
 * when it carries a camera volume full of footage. A plain camera beside it is ingested as always.
 */
@Timeout(60)
class BayPortLockdownTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    DockAgent agent;
    SimulatedUsb usb;
    /** Bay 2's LEDs: green 19, amber 26, red 12. */
    final SimulatedBoard board = new SimulatedBoard();

    @BeforeEach
    void start() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("hardware = \"none\"", "hardware = \"simulated\"")
                .replace("usbPort = \"1-1.2\"", "usbPort = \"1-1.2\"\nleds = { green = 19, amber = 26, red = 12 }"));
        agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC(), board);
        agent.start();
        usb = new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev"));
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    /** A camera volume (named by its USB serial, as the directory mounter finds it) with {@code files} clips. */
    private void volume(String serial, int files) throws Exception {
        Path dcim = Files.createDirectories(dir.resolve("cameras").resolve(serial).resolve("DCIM/100"));
        for (int i = 0; i < files; i++) {
            Files.write(dcim.resolve("VID" + i + ".MP4"), (serial + " clip " + i).getBytes());
        }
    }

    private BayView bay(int n) {
        return agent.bays().get(n - 1);
    }

    private List<JsonNode> events(String type) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (OutboxEvent e : agent.ledger().pendingEvents(1000)) {
            if (e.type().equals(type)) {
                out.add(JSON.readTree(e.payloadJson()));
            }
        }
        return out;
    }

    private List<String> auditRows(String action) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state/ledger.db"));
             ResultSet r = c.createStatement().executeQuery("SELECT subject, detail FROM audit WHERE action = '" + action + "' ORDER BY seq")) {
            while (r.next()) {
                rows.add(r.getString(1) + ": " + r.getString(2));
            }
        }
        return rows;
    }

    @Test
    void aHidKeyboardIsDeauthorisedAuditedReportedAndShownOnTheBay() throws Exception {
        usb.plugDevice("1-1.2", "046d", "c31c", null, true, "03");
        Poll.until("bay 2 locked", Duration.ofSeconds(10), () -> bay(2).phase() == BayPhase.LOCKED, () -> "bay 2: " + bay(2));
        assertEquals("0", usb.authorized("1-1.2"));
        assertTrue(bay(2).lastEvent().startsWith("USB device de-authorised: 046d:c31c"), bay(2).lastEvent());
        List<JsonNode> e = events("bay-port-lockdown");
        assertEquals(1, e.size(), e::toString);
        assertEquals(2, e.get(0).get("bay").asInt());
        assertEquals("1-1.2", e.get(0).get("port").asText());
        assertEquals("046d:c31c", e.get(0).get("model").asText());
        assertEquals("[\"03\"]", e.get(0).get("interfaceClasses").toString());
        assertTrue(e.get(0).get("deauthorized").asBoolean());
        List<String> audit = auditRows("bay-port-lockdown");
        assertEquals(1, audit.size(), audit::toString);
        assertTrue(audit.get(0).startsWith("bay 2 port 1-1.2: 046d:c31c"), audit::toString);
        assertTrue(agent.ledger().verifyAudit().ok());
        // The bay light: red blinking (on, off, on), green and amber dark.
        Poll.until("bay 2 red on", Duration.ofSeconds(5), () -> board.led(12).orElse(false));
        Poll.until("bay 2 red off", Duration.ofSeconds(5), () -> !board.led(12).orElse(true));
        Poll.until("bay 2 red on again", Duration.ofSeconds(5), () -> board.led(12).orElse(false));
        assertEquals(java.util.Optional.of(false), board.led(19));
        assertEquals(java.util.Optional.of(false), board.led(26));

        usb.unplug("1-1.2");
        Poll.until("bay 2 empty again", Duration.ofSeconds(10), () -> bay(2).phase() == BayPhase.EMPTY, () -> "bay 2: " + bay(2));
        Poll.until("bay 2 dark", Duration.ofSeconds(5), () -> !board.led(12).orElse(true));
        long end = System.nanoTime() + Duration.ofMillis(1200).toNanos(); // three blink intervals: it stays dark
        while (System.nanoTime() < end) {
            assertEquals(java.util.Optional.of(false), board.led(12), "bay 2 red after the device left");
            Thread.sleep(20); // sampling the LED, not waiting for anything
        }
        assertEquals(1, events("bay-port-lockdown").size(), "reported once");
    }

    /** The BadUSB camera: a known camera model with footage on it, plus a keyboard. Nothing of it is mounted or read. */
    @Test
    void aCompositeCameraIsNeverMountedWhileAPlainCameraBesideItIsIngested() throws Exception {
        volume("EVIL01", 2);
        volume("CAM0001", 2);
        usb.plugComposite("1-1.1", "2a3b", "0001", "EVIL01", "03");
        usb.plug("1-1.2", "2a3b", "0001", "CAM0001");
        Poll.until("the plain camera's files ingested", Duration.ofSeconds(30), () -> {
            var files = agent.ledger().filesOf("CAM0001");
            return files.size() == 2 && files.stream().allMatch(f -> f.state() != FileState.DISCOVERED && f.state() != FileState.INGESTING);
        });
        Poll.until("bay 1 locked", Duration.ofSeconds(10), () -> bay(1).phase() == BayPhase.LOCKED, () -> "bay 1: " + bay(1));
        assertEquals("0", usb.authorized("1-1.1"));
        assertEquals("1", usb.authorized("1-1.2"), "the plain camera is left authorised");
        assertTrue(agent.ledger().camera("EVIL01").isEmpty(), "never identified as a camera");
        assertTrue(agent.ledger().filesOf("EVIL01").isEmpty(), "nothing of it listed or read");
        assertEquals(List.of("CAM0001"), events("docked").stream().map(n -> n.get("usbSerial").asText()).toList(),
                "only the plain camera docked");
        assertTrue(events("device-ignored").isEmpty(), "a locked port is not also 'ignored'");
        JsonNode lock = events("bay-port-lockdown").get(0);
        assertEquals("[\"03\",\"08\"]", lock.get("interfaceClasses").toString());
        assertEquals(1, auditRows("bay-port-lockdown").size());
        assertFalse(bay(1).occupied());
    }
}
