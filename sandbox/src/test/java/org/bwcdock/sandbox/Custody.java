package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.ledger.AuditCommand;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.provisioning.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Chain-of-custody checks on what a run left behind, read the way an auditor would: the receiver's
 * store opened with the provisioning CLI, the dock's spool opened with Debian's openssl, and the
 * dock's audit log read from its SQLite file in chain order.
 */
public final class Custody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Custody() {
    }

    /** "CAMERA:relative/path" of a file on a camera: how the audit log names it. */
    public static String subject(String cameraId, String relativePath) {
        return cameraId + ":" + relativePath;
    }

    /**
     * The receiver holds each expected file exactly once, and {@code evidence open} (manifest
     * signature, parts, receipt) restores it with the expected SHA-256; nothing else is stored.
     *
     * @param expected subject → plaintext SHA-256 (hex)
     */
    public static void receiverHoldsEachFileOnce(Path work, Map<String, String> expected) throws IOException {
        Map<String, Integer> copies = new HashMap<>();
        List<Path> stored;
        try (Stream<Path> dirs = Files.list(work.resolve("receiver/evidence"))) {
            stored = dirs.filter(d -> !d.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
        Path keys = work.resolve("pki/keys");
        Path scratch = Files.createTempDirectory(work, "opened-");
        for (Path dir : stored) {
            JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
            String subject = subject(manifest.path("cameraId").asText(), manifest.path("file").path("path").asText());
            copies.merge(subject, 1, Integer::sum);
            Path restored = scratch.resolve(dir.getFileName().toString());
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(), Clock.systemUTC(),
                    "evidence", "open", "--manifest", dir.resolve("manifest.json").toString(),
                    "--signature", dir.resolve("manifest.p7s").toString(), "--parts", dir.toString(),
                    "--key", keys.resolve("evidence-recipient.key").toString(), "--cert", keys.resolve("evidence-recipient.pem").toString(),
                    "--ca", work.resolve("pki/ca/ca.pem").toString(), "--receipt", dir.resolve("receipt.p7s").toString(),
                    "--receipt-signer", keys.resolve("receipt-signer.pem").toString(), "--out", restored.toString());
            assertEquals(0, code, dir + " (" + subject + "): " + err);
            String sha = Digests.sha256Hex(restored);
            Files.delete(restored);
            assertTrue(expected.containsKey(subject), "the receiver holds " + subject + ", which no camera had");
            assertEquals(expected.get(subject), sha, subject + " restored with another hash");
        }
        for (String subject : expected.keySet()) {
            assertEquals(1, copies.getOrDefault(subject, 0), subject + ": copies at the receiver");
        }
    }

    /**
     * Every part the receiver stores is encrypted for exactly {@code recipients} (issuer and serial
     * of each recipient info), and Debian's openssl cannot open any of them with the agency CA's
     * key: the CA issues the recipients' certificates but must not be one.
     *
     * @return the parts checked
     */
    public static int partsAreForExactlyTheRecipients(Path work, List<java.security.cert.X509Certificate> recipients, String caPassphrase)
            throws Exception {
        Set<String> want = new HashSet<>();
        for (var c : recipients) {
            want.add(c.getIssuerX500Principal().getName() + "#" + c.getSerialNumber());
        }
        List<Path> parts;
        try (Stream<Path> files = Files.walk(work.resolve("receiver/evidence"))) {
            parts = files.filter(f -> f.getFileName().toString().matches("part-\\d+\\.cms")).sorted().toList();
        }
        for (Path part : parts) {
            Set<String> listed = new HashSet<>();
            int count = 0;
            var cms = new org.bouncycastle.cms.CMSAuthEnvelopedData(Files.readAllBytes(part));
            for (var info : cms.getRecipientInfos().getRecipients()) {
                count++;
                if (info.getRID() instanceof org.bouncycastle.cms.KeyTransRecipientId k) {
                    listed.add(new javax.security.auth.x500.X500Principal(k.getIssuer().getEncoded()).getName() + "#" + k.getSerialNumber());
                } else if (info.getRID() instanceof org.bouncycastle.cms.KeyAgreeRecipientId k) {
                    listed.add(new javax.security.auth.x500.X500Principal(k.getIssuer().getEncoded()).getName() + "#" + k.getSerialNumber());
                }
            }
            assertEquals(recipients.size(), count, part + ": recipient infos");
            assertEquals(want, listed, part + ": recipients");
            ProcessBuilder withCaKey = new ProcessBuilder("openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in", part.toString(),
                    "-inkey", work.resolve("pki/ca/ca.key").toString(), "-passin", "env:CA_PASS", "-out", "/dev/null")
                    .redirectErrorStream(true);
            withCaKey.environment().put("CA_PASS", caPassphrase);
            Process run = withCaKey.start();
            byte[] out = run.getInputStream().readAllBytes();
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
                fail("openssl cms -decrypt hung on " + part);
            }
            assertTrue(run.exitValue() != 0, part + " opened with the CA's key: " + new String(out));
        }
        return parts.size();
    }

    /**
     * How many copies of each file the receiver stores, from the stored manifests alone (no
     * decryption): for footage too big to open in every test; {@link #receiverHoldsEachFileOnce}
     * is the full check.
     *
     * @return subject → copies
     */
    public static Map<String, Integer> receiverCopies(Path work) throws IOException {
        Map<String, Integer> copies = new HashMap<>();
        try (Stream<Path> dirs = Files.list(work.resolve("receiver/evidence"))) {
            for (Path dir : dirs.filter(d -> !d.getFileName().toString().endsWith(".tmp")).toList()) {
                JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
                copies.merge(subject(manifest.path("cameraId").asText(), manifest.path("file").path("path").asText()), 1, Integer::sum);
            }
        }
        return copies;
    }

    /** SHA-256 of every footage file on the camera volumes under {@code cameras}: subject → hash. */
    public static Map<String, String> footageHashes(Path cameras) throws IOException {
        Map<String, String> hashes = new HashMap<>();
        try (Stream<Path> volumes = Files.list(cameras)) {
            for (Path volume : volumes.toList()) {
                Path dcim = volume.resolve("DCIM/100");
                if (!Files.isDirectory(dcim)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dcim)) {
                    for (Path f : files.toList()) {
                        hashes.put(subject(volume.getFileName().toString(), volume.relativize(f).toString()), Digests.sha256Hex(f));
                    }
                }
            }
        }
        return hashes;
    }

    /**
     * From the audit log, in chain order: each file released (deleted from its camera) was
     * receipted before its camera's wipe began, and the wipe began before the release.
     *
     * @return the subjects released
     */
    public static Set<String> noWipeBeforeReceipt(Path ledger) throws SQLException {
        Map<String, Long> receipted = new HashMap<>();
        Map<String, Long> wipeStarted = new HashMap<>();
        Set<String> released = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
             ResultSet rs = c.createStatement().executeQuery("SELECT seq, action, subject FROM audit ORDER BY seq")) {
            while (rs.next()) {
                long seq = rs.getLong(1);
                String subject = rs.getString(3);
                switch (rs.getString(2)) {
                    case "file-receipted" -> receipted.put(subject, seq);
                    case "wipe-start" -> wipeStarted.put(subject, seq);
                    case "file-released" -> {
                        Long r = receipted.get(subject);
                        Long w = wipeStarted.get(subject.substring(0, subject.indexOf(':')));
                        if (r == null || w == null || !(r < w && w < seq)) {
                            fail(subject + " released at audit row " + seq + " with its receipt at " + r + " and the wipe start at " + w);
                        }
                        released.add(subject);
                    }
                    default -> {
                    }
                }
            }
        }
        return released;
    }

    /** A camera file that is gone was released after a receipt: checked from the files still on the cameras. */
    public static void goneOnlyWithReceipt(Map<String, String> before, Path cameras, Set<String> released) throws IOException {
        Set<String> present = footageHashes(cameras).keySet();
        for (String subject : before.keySet()) {
            if (!present.contains(subject)) {
                assertTrue(released.contains(subject), subject + " is gone from its camera without a release after receipt");
            }
        }
    }

    /** {@code audit verify} on the ledger: the hash chain is intact. */
    public static void auditChainVerifies(Path ledger) {
        StringWriter out = new StringWriter();
        int code = AuditCommand.verify(ledger, new PrintWriter(out, true));
        assertEquals(0, code, out.toString());
    }

    /** Every part file in the spool is complete: Debian's openssl decrypts it (GCM tag checked) with the evidence key. */
    public static int spoolPartsDecrypt(Path spool, Path work) throws IOException, InterruptedException {
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        List<Path> parts;
        try (Stream<Path> files = Files.list(spool)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".cms")).sorted().toList(); // not manifests, not .tmp
        }
        Path keys = work.resolve("pki/keys");
        for (Path part : parts) {
            assertOpensslDecrypts(part, keys);
        }
        return parts.size();
    }

    /** Debian's openssl decrypts the part with the evidence key (GCM tag checked). */
    private static void assertOpensslDecrypts(Path part, Path keys) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "cms", "-decrypt", "-binary", "-inform", "DER", "-in", part.toString(),
                "-inkey", keys.resolve("evidence-recipient.key").toString(), "-recip", keys.resolve("evidence-recipient.pem").toString(),
                "-out", "/dev/null").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("openssl cms -decrypt hung on " + part);
        }
        assertEquals(0, p.exitValue(), part + " does not decrypt: " + new String(out));
    }

    /**
     * The spool as a crash left it, read before the agent starts again: every part file ({@code *.cms})
     * is complete — Debian's openssl decrypts it, GCM tag checked — and has the length and SHA-256 the
     * ledger recorded for it, if the ledger knows it; and every part the ledger records for a file not
     * yet receipted is there, so nothing still waiting for its receipt was lost. Temp files are
     * allowed (the next start removes them), and so are parts of receipted files (removal after the
     * receipt is not in the same transaction). The ledger is opened read-only: the agent's WAL is left
     * for the agent to recover.
     *
     * @return the part files checked
     */
    public static int spoolSurvivesCrash(Path spool, Path ledger, Path work) throws IOException, InterruptedException, SQLException {
        Map<String, String[]> recorded = new HashMap<>(); // spool file → {length, sha256, state, subject}
        org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
        readOnly.setReadOnly(true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger, readOnly.toProperties());
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT p.spool_file, p.ciphertext_length, p.ciphertext_sha256, f.state, f.camera_id, f.relative_path
                     FROM parts p JOIN evidence_files f ON f.id = p.file_id""")) {
            while (rs.next()) {
                recorded.put(rs.getString(1), new String[] {Long.toString(rs.getLong(2)), rs.getString(3), rs.getString(4),
                        subject(rs.getString(5), rs.getString(6))});
            }
        }
        Set<String> waiting = Set.of("INGESTED", "UPLOADING", "UPLOADED", "FAILED");
        for (Map.Entry<String, String[]> e : recorded.entrySet()) {
            String[] r = e.getValue();
            assertTrue(!waiting.contains(r[2]) || Files.isRegularFile(spool.resolve(e.getKey())),
                    r[3] + " is " + r[2] + " but its spool part " + e.getKey() + " is gone");
        }
        List<Path> parts;
        try (Stream<Path> files = Files.list(spool)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".cms")).sorted().toList();
        }
        Path keys = work.resolve("pki/keys");
        for (Path part : parts) {
            String[] r = recorded.get(part.getFileName().toString());
            if (r != null) {
                assertEquals(Long.parseLong(r[0]), Files.size(part), part + " (" + r[3] + "): length");
                assertEquals(r[1], Digests.sha256Hex(part), part + " (" + r[3] + "): SHA-256");
            }
            assertOpensslDecrypts(part, keys);
        }
        return parts.size();
    }
}
