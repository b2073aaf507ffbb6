package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.ledger.AuditCommand;
import org.bwcdock.format.AuditRows;
import org.bwcdock.provisioning.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The court packet of a file from the demo's shift end: VERIFY.sh passes with nothing but a shell,
 * openssl, sha256sum and POSIX tools on the PATH (no Java), and fails naming the artefact when any
 * one byte of any artefact is changed. The custody timeline page shows the steps in a real browser.
 * The packet's files are private (0600, directory 0700) and nothing half-written is left beside it.
 */
@Timeout(300)
class CourtPacketTest {
    /** What VERIFY.sh may use: the shell and POSIX tools, openssl and sha256sum. */
    private static final List<String> TOOLS = List.of("sh", "openssl", "sha256sum", "grep", "sed", "cut", "wc", "cmp", "mkdir",
            "rm", "dirname", "cat");
    private static final List<String> ARTEFACTS = List.of("manifest.json", "manifest.p7s", "receipt.p7s", "certs/agency-ca.pem",
            "certs/dock.pem", "certs/receipt-signer.pem", "manifest.tsr", "receipt.tsr", "certs/tsa-ca.pem", "certs/tsa.pem",
            "audit/rows.tsv", "audit/checkpoint.json", "audit/checkpoint.p7s");

    @Test
    void verifiesWithOpensslAloneAndNamesEveryAlteredArtefact(@TempDir Path work) throws Exception {
        try (Sandbox sandbox = Sandbox.start(work, false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            assertTrue(sandbox.shiftEnd(new long[] {300_000}).ok(), "the shift end completed");
        }
        Path evidence;
        try (Stream<Path> s = Files.list(work.resolve("receiver/evidence"))) {
            evidence = s.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
        }
        Path audit = work.resolve("dock-audit.tsv");
        StringWriter exported = new StringWriter();
        assertEquals(0, AuditCommand.export(work.resolve("dock/state/ledger.db"), 1, audit, new PrintWriter(exported, true)),
                exported.toString());
        Path packet = work.resolve("packets/one");
        Files.createDirectories(packet.getParent());
        refusesARewrittenAuditExport(work, evidence.getFileName().toString(), audit);
        StringWriter noTsaCa = new StringWriter();
        String[] all = args(work, evidence.getFileName().toString(), packet, audit);
        String[] withoutTsaCa = java.util.Arrays.copyOf(all, all.length - 2); // --tsa-ca comes last
        assertEquals(1, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(noTsaCa, true), Map.of(), Clock.systemUTC(),
                withoutTsaCa), "timestamps that cannot be checked make no packet");
        assertTrue(noTsaCa.toString().contains("--tsa-ca"), noTsaCa.toString());
        String out = packet(work, evidence.getFileName().toString(), packet, audit);
        assertTrue(out.contains("court packet written"), out);
        assertTrue(run(work, evidence.getFileName().toString(), packet, audit).code() != 0, "a packet is never overwritten");
        try (Stream<Path> s = Files.list(packet.getParent())) {
            assertEquals(List.of(packet), s.toList(), "nothing half-written beside the packet");
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(packet)));
        Path footage;
        try (Stream<Path> s = Files.list(packet)) {
            footage = s.filter(p -> p.getFileName().toString().startsWith("footage")).findFirst().orElseThrow();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(footage)), "restored footage is private");

        timelineShowsTheCustodySteps(work, packet, footage);

        Path bin = toolsOnly(work.resolve("bin"));
        Result ok = verify(packet, bin);
        assertEquals(0, ok.code(), ok.output());
        assertTrue(ok.output().contains("VERIFIED: " + footage.getFileName()), ok.output());
        assertTrue(ok.output().contains("ok: manifest.tsr: the dock's signed manifest existed at "), ok.output());
        assertTrue(ok.output().contains("ok: receipt.tsr: the evidence server's receipt existed at "), ok.output());
        assertTrue(ok.output().contains("manifest timestamped ") && ok.output().contains("receipt timestamped "), ok.output());
        assertTrue(ok.output().contains("rows about this file, chained unbroken to row"), ok.output());
        assertTrue(ok.output().contains("its audit rows chained to the dock's signed checkpoint"), ok.output());
        String rows = Files.readString(packet.resolve("audit/rows.tsv"));
        assertTrue(rows.contains("=file-ingesting") && rows.contains("=file-receipted") && rows.contains("=file-released"), rows);
        assertTrue(rows.lines().anyMatch(l -> l.startsWith("H\t")), "the other cameras' rows are hidden: " + rows);
        String camera = manifestCamera(packet);
        assertFalse(rows.lines().filter(l -> l.startsWith("R\t")).anyMatch(l -> !l.contains(camera)),
                "every row shown is about this file's camera: " + rows);

        List<String> artefacts = new ArrayList<>(ARTEFACTS);
        artefacts.add(footage.getFileName().toString());
        for (String artefact : artefacts) {
            Path copy = work.resolve("altered").resolve(artefact.replace('/', '-'));
            copyTree(packet, copy);
            flipOneByte(copy.resolve(artefact));
            Result r = verify(copy, bin);
            assertEquals(1, r.code(), artefact + " altered, yet: " + r.output());
            assertTrue(r.output().contains("FAILED: " + artefact + ":"), artefact + " altered: " + r.output());
        }
        // A token or the audit rows removed from the packet are caught too, not taken for "never there".
        for (String token : List.of("manifest.tsr", "receipt.tsr", "audit")) {
            Path copy = work.resolve("removed").resolve(token);
            copyTree(packet, copy);
            org.bwcdock.format.io.FileTrees.delete(copy.resolve(token));
            Result r = verify(copy, bin);
            assertEquals(1, r.code(), token + " removed, yet: " + r.output());
            assertTrue(r.output().contains("FAILED: " + token + ": missing"), token + " removed: " + r.output());
        }
        // A token of the right TSA for other bytes: the receipt's token put in place of the manifest's.
        Path swapped = work.resolve("swapped");
        copyTree(packet, swapped);
        Files.copy(packet.resolve("receipt.tsr"), swapped.resolve("manifest.tsr"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result r = verify(swapped, bin);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("FAILED: manifest.tsr: not a valid timestamp of manifest.p7s"), r.output());
    }

    /** The timeline page in headless Chromium: a screenshot kept, the key facts on the rendered page, no console error. */
    private static void timelineShowsTheCustodySteps(Path work, Path packet, Path footage) throws Exception {
        Browsers.requireInstalled();
        JsonNode manifest = new ObjectMapper().readTree(packet.resolve("manifest.json").toFile());
        ChromeDriver browser = Browsers.chromium(work.resolve("chromium"), "--window-size=1000,1250");
        try {
            browser.get(packet.resolve("timeline.html").toUri().toString());
            Browsers.screenshot(browser, Path.of("target", "court-packet", "timeline.png"));
            String page = browser.findElement(By.tagName("body")).getText();
            for (String fact : List.of("Recorded on camera " + manifest.path("cameraId").asText(),
                    "Docked at dock " + manifest.path("dockId").asText() + ", bay " + manifest.path("bay").asInt(),
                    manifest.path("officerId").asText(), manifest.path("file").path("sha256").asText(),
                    manifest.path("file").path("path").asText(), "receipted", footage.getFileName().toString(),
                    "Wiped from the camera, after the receipt", "dock clock", "camera clock",
                    "Timestamped by an independent time-stamping authority", "CN=Sandbox TSA")) {
                assertTrue(page.contains(fact), "the timeline page does not show \"" + fact + "\":\n" + page);
            }
            String console = Browsers.consoleLog(browser);
            assertFalse(console.contains("SEVERE"), "console errors: " + console);
        } finally {
            browser.quit();
        }
    }

    private static String manifestCamera(Path packet) throws IOException {
        return new ObjectMapper().readTree(packet.resolve("manifest.json").toFile()).path("cameraId").asText();
    }

    /** An insider edits a row of the dock's export and recomputes every hash after it: the signed checkpoint catches it. */
    private static void refusesARewrittenAuditExport(Path work, String id, Path audit) throws Exception {
        List<AuditRows.Row> rows = AuditRows.parse(Files.readAllBytes(audit));
        List<AuditRows.Row> rewritten = new ArrayList<>();
        String prev = rows.get(0).prev();
        for (AuditRows.Row r : rows) {
            String detail = r.action().equals("file-receipted") ? "nothing happened" : r.detail();
            String hash = AuditRows.rowHash(r.seq(), r.at(), AuditRows.fieldsHash(r.actor(), r.action(), r.subject(), detail), prev);
            rewritten.add(AuditRows.Row.shown(r.seq(), r.at(), r.actor(), r.action(), r.subject(), detail, prev, hash));
            prev = hash;
        }
        Path forged = work.resolve("forged-audit.tsv");
        Files.write(forged, AuditRows.format(rewritten));
        Result r = run(work, id, work.resolve("packets/forged"), forged);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("does not have the hash the dock signed") || r.output().contains("does not hold the rows"),
                r.output());
        assertFalse(Files.exists(work.resolve("packets/forged")));
    }

    private static String packet(Path work, String id, Path out, Path audit) {
        Result r = run(work, id, out, audit);
        assertEquals(0, r.code(), r.output());
        return r.output();
    }

    private static Result run(Path work, String id, Path out, Path audit) {
        StringWriter o = new StringWriter();
        int code = Main.run(new PrintWriter(o, true), new PrintWriter(o, true), Map.of(), Clock.systemUTC(), args(work, id, out, audit));
        return new Result(code, o.toString());
    }

    private static String[] args(Path work, String id, Path out, Path audit) {
        Path keys = work.resolve("pki/keys");
        return new String[] {"evidence", "packet", "--store", work.resolve("receiver").toString(), "--id", id,
                "--key", keys.resolve("evidence-recipient.key").toString(), "--cert", keys.resolve("evidence-recipient.pem").toString(),
                "--ca", work.resolve("pki/ca/ca.pem").toString(), "--receipt-signer", keys.resolve("receipt-signer.pem").toString(),
                "--audit", audit.toString(), "--out", out.toString(), "--tsa-ca", work.resolve("tsa/tsa-ca.pem").toString()};
    }

    /** A directory holding links to the allowed tools only: no java, no bwcdock. */
    private static Path toolsOnly(Path bin) throws Exception {
        Files.createDirectories(bin);
        for (String tool : TOOLS) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new IllegalStateException(tool + " is not installed"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        return bin;
    }

    private record Result(int code, String output) {
    }

    private static Result verify(Path packet, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("sh").toString(), packet.resolve("VERIFY.sh").toString())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("VERIFY.sh did not finish within 60 s: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    /** One byte in the middle changed; in a PEM file, a base64 character, so the file still looks like one. */
    private static void flipOneByte(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int i = b.length / 2;
        while (f.toString().endsWith(".pem") && !Character.isLetterOrDigit(b[i])) {
            i++;
        }
        b[i] = (byte) (!f.toString().endsWith(".pem") ? b[i] ^ 1 : b[i] == 'A' ? 'B' : 'A');
        Files.write(f, b);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
