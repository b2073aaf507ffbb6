package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.pki.PemFiles;
import org.bwcdock.agent.upload.Receipts;
import org.bwcdock.provisioning.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's demo scenario end to end: the scripted shift end completes, every file has a verified
 * receipt, {@code evidence open} on what the receiver stored gives back each original byte for byte,
 * no camera file was deleted before its receipt was in the ledger, and the retained MQTT tree shows
 * every bay with its camera, officer and battery.
 */
@Timeout(240)
class SandboxTest {
    private static final long[] SIZES = {50_000, 1_500_000, 9_000_000};
    private static final ObjectMapper JSON = new ObjectMapper();

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
            Receipts.Receipt verified = Receipts.verify(receipt, signer);
            assertEquals(f.plaintextSha256(), verified.plaintextSha256(), f.relativePath());
        }

        openEveryEvidenceFile(work);
        noWipeBeforeReceipt(ledger, expected);

        // The retained tree: every bay with its camera, officer and a battery reading.
        for (Site.Camera c : Site.CAMERAS) {
            JsonNode bay = bays.get(c.bay());
            assertTrue(bay != null, "no retained state for bay " + c.bay() + ": " + bays);
            assertEquals(c.serial(), bay.path("cameraId").asText(), bay.toString());
            assertEquals(c.officer(), bay.path("officerId").asText(), bay.toString());
            assertTrue(bay.path("batteryPercent").isInt() && bay.path("batteryPercent").asInt() >= 0
                    && bay.path("batteryPercent").asInt() <= 100, bay.toString());
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

    /** The provisioning CLI's {@code evidence open} on each stored file, compared with the footage made again. */
    private static void openEveryEvidenceFile(Path work) throws Exception {
        Path expected = Files.createDirectories(work.resolve("expected"));
        for (Site.Camera c : Site.CAMERAS) {
            Footage.write(expected.resolve(c.serial()), c.serial(), SIZES);
        }
        Path keys = work.resolve("pki/keys");
        int opened = 0;
        List<Path> stored;
        try (Stream<Path> dirs = Files.list(work.resolve("receiver/evidence"))) {
            stored = dirs.sorted().toList();
        }
        for (Path dir : stored) {
            JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
            Path restored = work.resolve("restored-" + dir.getFileName());
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(), Clock.systemUTC(),
                    "evidence", "open", "--manifest", dir.resolve("manifest.json").toString(),
                    "--signature", dir.resolve("manifest.p7s").toString(), "--parts", dir.toString(),
                    "--key", keys.resolve("evidence-recipient.key").toString(), "--cert", keys.resolve("evidence-recipient.pem").toString(),
                    "--ca", work.resolve("pki/ca/ca.pem").toString(), "--receipt", dir.resolve("receipt.p7s").toString(),
                    "--receipt-signer", keys.resolve("receipt-signer.pem").toString(), "--out", restored.toString());
            assertEquals(0, code, dir + ": " + err);
            Path original = expected.resolve(manifest.path("cameraId").asText()).resolve(manifest.path("file").path("path").asText());
            assertTrue(Files.isRegularFile(original), "the manifest names " + original);
            assertEquals(-1L, Files.mismatch(original, restored), restored + " differs from " + original);
            opened++;
        }
        assertEquals(Site.CAMERAS.size() * SIZES.length, opened);
    }

    /**
     * From the audit log, in chain order: each released file (deleted from its camera) was receipted
     * before its camera's wipe began, and the wipe began before the release.
     */
    private static void noWipeBeforeReceipt(Path ledger, int files) throws Exception {
        Map<String, Long> receipted = new HashMap<>();
        Map<String, Long> wipeStarted = new HashMap<>();
        int released = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
             ResultSet rs = c.createStatement().executeQuery("SELECT seq, action, subject FROM audit ORDER BY seq")) {
            while (rs.next()) {
                long seq = rs.getLong(1);
                String action = rs.getString(2);
                String subject = rs.getString(3);
                switch (action) {
                    case "file-receipted" -> receipted.put(subject, seq);
                    case "wipe-start" -> wipeStarted.put(subject, seq);
                    case "file-released" -> {
                        released++;
                        String camera = subject.substring(0, subject.indexOf(':'));
                        Long r = receipted.get(subject);
                        Long w = wipeStarted.get(camera);
                        if (r == null || w == null || !(r < w && w < seq)) {
                            fail(subject + " released at audit row " + seq + " with receipt at " + r + " and wipe start at " + w);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        assertEquals(files, released);
        assertFalse(receipted.isEmpty());
    }
}
