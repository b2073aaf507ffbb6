package org.bwcdock.sandbox.upload;

import java.time.Duration;
import org.bwcdock.testing.Poll;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.AuditVerification;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole chain on one machine: camera → agent → receiver → receipt → wipe. */
@Timeout(90)
class AgentToReceiverTest {

    static void await(String what, Poll.Condition condition) throws Exception {
        Poll.until(what, Duration.ofSeconds(60), condition);
    }

    private static Path config(Path dir, UploadFixture f, boolean wipe) throws Exception {
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(dir.resolve(d));
        }
        return Files.writeString(dir.resolve("agent.toml"), """
                dockId = "dock-test-01"
                stateDirectory = "state"

                [identity]
                certificate = "%s"
                privateKey = "%s"

                [spool]
                directory = "state/spool"
                quota = "256 MiB"
                partSize = "1 MiB"

                [usb]
                sysRoot = "sys"
                devRoot = "dev"
                simulatedVolumes = "cameras"
                debounce = "200ms"
                stableInterval = "0s"

                [[bays]]
                number = 1
                usbPort = "1-1.1"

                [[cameraProfiles]]
                name = "test-camera"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]

                [evidence]
                url = "https://127.0.0.1:%d/"
                trustAnchors = "%s"
                recipients = ["%s"]
                receiptSigners = "%s"

                [policy]
                wipeAfterReceipt = %s
                """.formatted(f.dock.chainFile(), f.dock.keyFile(), f.receiver.port(), f.pki.caFile(),
                f.pki.dir.resolve("evidence.pem"), f.pki.caFile(), wipe));
    }

    @Test
    void footageIsReceiptedThenWipedAndTheAuditShowsReceiptBeforeWipe(@TempDir Path dir) throws Exception {
        try (UploadFixture f = new UploadFixture(dir.resolve("fx"))) {
            Path dcim = Files.createDirectories(dir.resolve("cameras/CAM0001/DCIM/100"));
            Random r = new Random(1);
            for (int i = 0; i < 3; i++) {
                byte[] b = new byte[700_000 * (i + 1)];
                r.nextBytes(b);
                Files.write(dcim.resolve("VID" + i + ".MP4"), b);
            }
            Files.writeString(dcim.resolve("NOTES.TXT"), "not footage: stays");
            try (DockAgent agent = DockAgent.create(ConfigLoader.load(config(dir, f, true)), Clock.systemUTC())) {
                agent.start();
                new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev")).plug("1-1.1", "2a3b", "0001", "CAM0001");
                await("all released", () -> {
                    List<EvidenceFile> files = agent.ledger().filesOf("CAM0001");
                    return files.size() == 3 && files.stream().allMatch(x -> x.state() == FileState.RELEASED);
                });
                try (var left = Files.list(dcim)) {
                    assertEquals(List.of("NOTES.TXT"), left.map(p -> p.getFileName().toString()).toList());
                }
                assertEquals(3, f.receiver.evidenceCount());
                for (EvidenceFile x : agent.ledger().filesOf("CAM0001")) {
                    assertTrue(agent.ledger().receipt(x.id()).isPresent());
                }
                AuditVerification v = agent.ledger().verifyAudit();
                assertTrue(v.ok(), v::toString);
                await("bay shows safe", () -> agent.bays().get(0).phase() == BayPhase.SAFE);
            }
            // From the audit log alone: every file was receipted before the wipe began, and released after.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state/ledger.db"));
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT seq, action FROM audit ORDER BY seq")) {
                List<String> actions = new ArrayList<>();
                while (rs.next()) {
                    actions.add(rs.getString(2));
                }
                int wipe = actions.indexOf("wipe-start");
                assertTrue(wipe > 0, actions::toString);
                assertEquals(3, actions.subList(0, wipe).stream().filter("file-receipted"::equals).count(), actions::toString);
                assertEquals(3, actions.subList(wipe, actions.size()).stream().filter("file-released"::equals).count());
            }
        }
    }

    @Test
    void keepPolicyReceiptsButNeverWipes(@TempDir Path dir) throws Exception {
        try (UploadFixture f = new UploadFixture(dir.resolve("fx"))) {
            Path dcim = Files.createDirectories(dir.resolve("cameras/CAM0002/DCIM/100"));
            Files.write(dcim.resolve("VID.MP4"), new byte[123_456]);
            try (DockAgent agent = DockAgent.create(ConfigLoader.load(config(dir, f, false)), Clock.systemUTC())) {
                agent.start();
                new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev")).plug("1-1.1", "2a3b", "0001", "CAM0002");
                await("receipted", () -> agent.ledger().filesOf("CAM0002").stream().anyMatch(x -> x.state() == FileState.RECEIPTED));
                await("bay shows safe", () -> agent.bays().get(0).phase() == BayPhase.SAFE);
                assertTrue(Files.exists(dcim.resolve("VID.MP4")), "policy keep: nothing deleted");
                assertFalse(agent.ledger().filesOf("CAM0002").stream().anyMatch(x -> x.state() == FileState.RELEASED));
            }
        }
    }
}
