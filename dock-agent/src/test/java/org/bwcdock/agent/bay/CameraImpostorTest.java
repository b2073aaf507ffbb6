package org.bwcdock.agent.bay;

import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.TestConfigs;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The camera id comes from a file on the camera; the dock binds it to the USB serial it was first
 * seen with. A second camera claiming that id is quarantined: nothing of it is read, the real
 * camera's files keep their states, and its legal hold stays.
 */
@Timeout(60)
class CameraImpostorTest {
    @TempDir
    Path dir;
    DockAgent agent;
    SimulatedUsb usb;

    @BeforeEach
    void start() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("footage = [\"DCIM/**/*.MP4\"]",
                "footage = [\"DCIM/**/*.MP4\"]\ncameraId = \"device-info\"\ndeviceInfoFile = \"DEVICE.TXT\""));
        agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC());
        agent.start();
        usb = new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev"));
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    /** A camera volume (named by its USB serial) that says it is camera {@code id}, with {@code files} clips. */
    private void camera(String serial, String id, int files) throws Exception {
        Path root = Files.createDirectories(dir.resolve("cameras").resolve(serial));
        Files.writeString(root.resolve("DEVICE.TXT"), "id=" + id + "\n");
        Path dcim = Files.createDirectories(root.resolve("DCIM/100"));
        for (int i = 0; i < files; i++) {
            Files.write(dcim.resolve(serial + "-" + i + ".MP4"), (serial + " clip " + i).getBytes());
        }
    }

    private Map<String, FileState> states() {
        return agent.ledger().filesOf("BWC-1").stream().collect(Collectors.toMap(EvidenceFile::relativePath, EvidenceFile::state));
    }

    @Test
    void aCameraClaimingAnotherCamerasIdIsQuarantinedAndInheritsNothing() throws Exception {
        camera("SERIAL-REAL", "BWC-1", 2);
        usb.plug("1-1.1", "2a3b", "0001", "SERIAL-REAL");
        Poll.until("the real camera's files ingested", Duration.ofSeconds(30), () -> states().size() == 2
                && states().values().stream().noneMatch(s -> s == FileState.DISCOVERED || s == FileState.INGESTING));
        usb.unplug("1-1.1");
        Poll.until("bay 1 empty", Duration.ofSeconds(10), () -> agent.bays().get(0).cameraId() == null);
        agent.ledger().setLegalHold("BWC-1", true, "test");
        Map<String, FileState> before = states();

        camera("SERIAL-EVIL", "BWC-1", 3);
        usb.plug("1-1.2", "2a3b", "0001", "SERIAL-EVIL");
        Poll.until("bay 2 quarantined", Duration.ofSeconds(20), () -> agent.bays().get(1).phase() == BayPhase.ERROR
                && agent.bays().get(1).lastEvent().startsWith("quarantined"), () -> "bay 2: " + agent.bays().get(1));

        assertEquals(before, states(), "the real camera's files are untouched and nothing of the impostor was read");
        assertTrue(agent.ledger().camera("BWC-1").orElseThrow().legalHold(), "the hold stays");
        assertEquals("SERIAL-REAL", agent.ledger().camera("BWC-1").orElseThrow().usbSerial());
        assertEquals(3, Files.list(dir.resolve("cameras/SERIAL-EVIL/DCIM/100")).count(), "nothing wiped from the impostor");
        assertTrue(agent.ledger().pendingEvents(1000).stream().anyMatch(e -> e.type().equals("camera-identity-mismatch")),
                "reported to the back office");
        assertTrue(agent.ledger().verifyAudit().ok(), "the refusal is in the audit chain, and the chain verifies");
    }
}
