package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's demo scenario end to end: the scripted shift end completes, every file has a verified
 * receipt, {@code evidence open} on what the receiver stored gives back each original byte for byte,
 * no camera file was deleted before its receipt was in the ledger, and the retained MQTT tree shows
 * every bay with its camera, officer and battery.
 */
@Timeout(240)
class SandboxTest {
    private static final long[] SIZES = {50_000, 1_500_000, 9_000_000};

    @Test
    void scriptedShiftEndEndToEnd(@TempDir Path work) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Sandbox.ShiftEnd r;
        List<EvidenceFile> files = new ArrayList<>();
        Map<Long, byte[]> receipts = new HashMap<>();
        Map<Integer, JsonNode> bays;
        Path ledger = work.resolve("dock/state/ledger.db");
        try (Sandbox sandbox = Sandbox.start(work, false, new PrintStream(captured, true, StandardCharsets.UTF_8))) {
            r = sandbox.shiftEnd(SIZES);
            for (Site.Camera c : Site.CAMERAS) {
                files.addAll(sandbox.agent().ledger().filesOf(c.serial()));
            }
            files.forEach(f -> sandbox.agent().ledger().receipt(f.id()).ifPresent(b -> receipts.put(f.id(), b)));
            bays = awaitBays(sandbox.site().office());
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(r.ok(), out);
        int expected = Site.CAMERAS.size() * SIZES.length;
        assertEquals(expected, files.size(), out);
        assertEquals(expected, r.receipts(), out);
        assertEquals(expected, r.evidenceAtReceiver(), out);
        assertEquals(Site.CAMERAS.size(), r.camerasWiped(), out);
        assertTrue(r.auditOk(), out);
        assertTrue(r.mqttMessages() > 0, out);
        assertTrue(out.contains("shift end complete"), out);

        // Every file: a receipt that verifies against the receipt signer and names the file's hash.
        var signer = PemFiles.readCertificates(work.resolve("pki/keys/receipt-signer.pem"));
        for (EvidenceFile f : files) {
            byte[] receipt = receipts.get(f.id());
            assertTrue(receipt != null, "no receipt for " + f.relativePath());
            Receipt verified = Receipts.verify(receipt, signer);
            assertEquals(f.plaintextSha256(), verified.plaintextSha256(), f.relativePath());
        }

        // evidence open on each stored file gives back the footage the cameras had, once each.
        Map<String, String> footage = expectedFootage(work);
        assertEquals(expected, footage.size());
        Custody.receiverHoldsEachFileOnce(work, footage);
        assertEquals(footage.keySet(), Custody.noWipeBeforeReceipt(ledger), "every file released after its receipt");
        Custody.auditChainVerifies(ledger);

        // Only the configured recipient can open a part; the agency CA's key cannot.
        var recipients = PemFiles.readCertificates(work.resolve("pki/keys/evidence-recipient.pem"));
        assertTrue(Custody.partsAreForExactlyTheRecipients(work, recipients, AgencyPki.PASSPHRASE) >= expected);

        // The retained tree: every bay with its camera, officer and the camera's charge as the bay's gauge reads it.
        for (Site.Camera c : Site.CAMERAS) {
            JsonNode bay = bays.get(c.bay());
            assertTrue(bay != null, "no retained state for bay " + c.bay() + ": " + bays);
            assertEquals(c.serial(), bay.path("cameraId").asText(), bay.toString());
            assertEquals(c.officer(), bay.path("officerId").asText(), bay.toString());
            assertEquals(Footage.battery(c.serial()), bay.path("batteryPercent").asInt(), "the bay's gauge: " + bay);
        }
    }

    /** A late subscriber's view: the retained bay states, read once the back office has all four. */
    private static Map<Integer, JsonNode> awaitBays(BackOffice office) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Map<Integer, JsonNode> bays = office.bayStates();
        while (System.nanoTime() < deadline && !bays.values().stream().allMatch(b -> b.path("phase").asText().equals("safe"))) {
            Thread.sleep(50); // poll
            bays = office.bayStates();
        }
        return bays;
    }

    /** The footage as the cameras had it, made again from the same seeds: subject → SHA-256. */
    private static Map<String, String> expectedFootage(Path work) throws Exception {
        Path expected = Files.createDirectories(work.resolve("expected"));
        for (Site.Camera c : Site.CAMERAS) {
            Footage.write(expected.resolve(c.serial()), c.serial(), SIZES);
        }
        return Custody.footageHashes(expected);
    }
}
