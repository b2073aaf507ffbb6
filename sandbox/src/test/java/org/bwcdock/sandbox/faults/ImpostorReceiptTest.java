package org.bwcdock.sandbox.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiver answers with receipts signed by keys of the agency CA that are not the receipt
 * signer: its own TLS key, another dock's key, and the receipt signer's key after it was revoked.
 * The dock believes none of them: the file fails with the reason, the audit log and an MQTT event
 * say it, and the camera keeps every file. The PKI is the provisioning CLI's (Site).
 */
@Timeout(240)
class ImpostorReceiptTest {
    private static final Site.AgentOptions THREE_BAYS = Site.AgentOptions.DEFAULT.withBays(3, "simulated");

    @Test
    void receiptsFromAnyKeyButTheReceiptSignerReleaseNothing(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, THREE_BAYS, Clock.systemUTC())) {
            Site site = shift.site();
            Path keys = site.pki().keys();
            Path otherDock = site.pki().client("sandbox-dock-02");
            Map<String, String> before = shift.footage(new long[] {40_000, 300_000});
            List<Site.Camera> cameras = shift.cameras();

            site.restartReceiver(keys.resolve("evidence-receiver.pem"), keys.resolve("evidence-receiver.key"));
            refused(shift, cameras.get(0), "CN=evidence-receiver does not carry the receipt signer role");

            site.restartReceiver(otherDock.resolve("dock.crt"), otherDock.resolve("dock.key"));
            refused(shift, cameras.get(1), "CN=sandbox-dock-02 does not carry the receipt signer role");

            site.pki().revoke(keys.resolve("receipt-signer.pem"));
            site.restartReceiver(keys.resolve("receipt-signer.pem"), keys.resolve("receipt-signer.key"));
            refused(shift, cameras.get(2), "was revoked on");

            assertEquals(before, Custody.footageHashes(site.work().resolve("cameras")), "a camera lost a file");
            assertTrue(Custody.noWipeBeforeReceipt(shift.ledgerFile()).isEmpty(), "nothing was released");
        }
    }

    /** The camera's files all fail naming {@code why}; the audit log and the back office's events say so too. */
    private static void refused(Shift shift, Site.Camera camera, String why) throws Exception {
        shift.site().dock(camera);
        shift.await(camera.serial() + ": both files refused", Shift.COMPLETE, () -> {
            List<EvidenceFile> files = shift.agent().ledger().filesOf(camera.serial());
            return files.size() == 2 && files.stream().allMatch(f -> f.state() == FileState.FAILED);
        });
        for (EvidenceFile f : shift.agent().ledger().filesOf(camera.serial())) {
            assertTrue(f.reason().startsWith("receipt rejected: ") && f.reason().contains(why), f.reason());
            String subject = Custody.subject(camera.serial(), f.relativePath());
            assertTrue(audited(shift.ledgerFile(), subject, why), subject + ": no audit row saying why");
            shift.await(subject + ": the back office hears why", Shift.COMPLETE, () -> shift.site().office().events().stream()
                    .anyMatch(e -> says(e, f.relativePath(), why)));
        }
    }

    private static boolean says(JsonNode event, String path, String why) {
        String text = event.toString();
        return text.contains("\"FAILED\"") && text.contains(path) && text.contains(why);
    }

    private static boolean audited(Path ledger, String subject, String why) throws Exception {
        org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger, readOnly.toProperties());
             PreparedStatement p = c.prepareStatement("SELECT detail FROM audit WHERE action = 'file-failed' AND subject = ?")) {
            p.setString(1, subject);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    if (r.getString(1).contains(why)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
