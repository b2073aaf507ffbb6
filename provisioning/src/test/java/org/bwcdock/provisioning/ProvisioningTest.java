package org.bwcdock.provisioning;

import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.testing.Openssl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as IT staff use it, checked with the real openssl and the real custody code. */
@Timeout(120)
class ProvisioningTest {
    static final Map<String, String> ENV = Map.of("CA_PASS", "correct horse battery staple");

    @TempDir
    Path dir;
    Path ca;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Clock clock, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), ENV, clock, args);
    }

    int run(String... args) {
        return run(Clock.systemUTC(), args);
    }

    @BeforeEach
    void caInit() {
        ca = dir.resolve("ca");
        assertEquals(0, run("ca", "init", "--dir", ca.toString(), "--days", "30", "--passphrase-env", "CA_PASS"), err::toString);
    }

    private void assertOneLineError(int code, String contains) {
        assertEquals(1, code, out + " / " + err);
        String e = err.toString().strip();
        assertTrue(e.startsWith("error: ") && e.lines().count() == 1 && e.contains(contains), () -> "stderr: " + e);
    }

    private Path enrollAndIssue(String dockId) {
        Path d = dir.resolve(dockId);
        assertEquals(0, run("dock", "enroll", "--dock-id", dockId, "--out", d.toString()), err::toString);
        assertEquals(0, run("dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(), "--dock-id", dockId,
                "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS"), err::toString);
        return d;
    }

    @Test
    void issuedCertificatesAndRequestsPassOpenssl() throws Exception {
        Path d = enrollAndIssue("dock-0001");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("dock.key"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.key"))));
        assertTrue(Files.readString(ca.resolve("ca.key")).contains("ENCRYPTED PRIVATE KEY"));
        var req = Openssl.run("req", "-verify", "-noout", "-in", d.resolve("dock.csr").toString());
        assertEquals(0, req.exit(), req.output());
        var v = Openssl.run("verify", "-CAfile", ca.resolve("ca.pem").toString(), "-purpose", "sslclient", d.resolve("dock.crt").toString());
        assertEquals(0, v.exit(), v.output());
        for (String[] k : new String[][] {{"evidence-rsa", "recipient", "rsa"}, {"evidence-ec", "recipient", "ec"},
                {"receipts", "receipt-signer", "ec"}, {"receiver", "server", "ec"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("evidence", "keygen", "--ca-dir", ca.toString(), "--name", k[0],
                    "--purpose", k[1], "--kind", k[2], "--out", dir.resolve("keys").toString(), "--passphrase-env", "CA_PASS"));
            if (k[1].equals("server")) {
                args.addAll(List.of("--host", "127.0.0.1", "--host", "localhost"));
            }
            assertEquals(0, run(args.toArray(String[]::new)), err::toString);
            var ok = Openssl.run("verify", "-CAfile", ca.resolve("ca.pem").toString(), dir.resolve("keys/" + k[0] + ".pem").toString());
            assertEquals(0, ok.exit(), ok.output());
        }
    }

    /** Real custody output, made with certificates this CLI issued. */
    private record Evidence(byte[] data, IngestResult result, Spool spool, Path recipientKey, Path recipientCert) {
    }

    private Evidence ingest(String recipient, String kind) throws Exception {
        Path d = Files.isDirectory(dir.resolve("dock-0002")) ? dir.resolve("dock-0002") : enrollAndIssue("dock-0002");
        assertEquals(0, run("evidence", "keygen", "--ca-dir", ca.toString(), "--name", recipient, "--kind", kind,
                "--out", dir.resolve("keys").toString(), "--passphrase-env", "CA_PASS"), err::toString);
        byte[] data = new byte[2_600_000];
        new Random(3).nextBytes(data);
        Spool spool = Spools.open(dir.resolve("spool-" + recipient), Long.MAX_VALUE);
        Path cert = dir.resolve("keys/" + recipient + ".pem");
        try (Ingestor in = Ingestors.create(new CustodySettings("dock-0002", 1 << 20, List.of(PemFiles.readCertificates(cert).get(0)),
                PemFiles.readPrivateKey(d.resolve("dock.key")), PemFiles.readCertificates(d.resolve("dock.crt")), "test",
                Duration.ofMinutes(1), Clock.systemUTC()), spool)) {
            IngestResult r = in.ingest(new IngestRequest(9, "BWC-1", 1, null, "DCIM/VID.MP4", null, data.length, 0, "0".repeat(64)),
                    new IngestSource() {
                        @Override
                        public InputStream open() {
                            return new ByteArrayInputStream(data);
                        }

                        @Override
                        public boolean unchanged() {
                            return true;
                        }
                    }, IngestListener.NONE);
            return new Evidence(data, r, spool, dir.resolve("keys/" + recipient + ".key"), cert);
        }
    }

    private int open(Evidence e, Path key, Path outFile) {
        return run("evidence", "open", "--manifest", e.spool().resolve(Spool.manifestName(9)).toString(),
                "--signature", e.spool().resolve(Spool.signatureName(9)).toString(), "--parts", e.spool().directory().toString(),
                "--key", key.toString(), "--cert", e.recipientCert().toString(), "--ca", ca.resolve("ca.pem").toString(),
                "--out", outFile.toString());
    }

    @Test
    void evidenceOpenRestoresTheOriginalForBothKeyKinds() throws Exception {
        for (String kind : new String[] {"rsa", "ec"}) {
            Evidence e = ingest("open-" + kind, kind);
            Path restored = dir.resolve("restored-" + kind + ".mp4");
            assertEquals(0, open(e, e.recipientKey(), restored), err::toString);
            assertArrayEquals(e.data(), Files.readAllBytes(restored));
        }
    }

    @Test
    void restoredFootageIsPrivateNeverWrittenThroughALinkAndNoPlaintextIsLeftBehind() throws Exception {
        Evidence e = ingest("private", "ec");
        Path out = Files.createDirectories(dir.resolve("opened"));
        Path restored = out.resolve("VID.MP4");
        assertEquals(0, open(e, e.recipientKey(), restored), err::toString);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)),
                "the restored footage is readable by its owner only, whatever the umask");
        try (var listed = Files.list(out)) {
            assertEquals(List.of(restored), listed.toList(), "nothing half-written beside the footage");
        }
        try (var listed = Files.list(e.spool().directory())) {
            assertTrue(listed.noneMatch(p -> p.getFileName().toString().endsWith(".plain")), "no plaintext in the spool or store");
        }
        // A link planted where the footage is to go: refused, and nothing is written where it points.
        Path target = dir.resolve("elsewhere.mp4");
        Path link = Files.createSymbolicLink(out.resolve("LINK.MP4"), target);
        assertOneLineError(open(e, e.recipientKey(), link), "already exists");
        assertFalse(Files.exists(target), "written through a link");
    }

        @Test
    void aFlippedByteInAPartIsNamedAndNothingIsWritten() throws Exception {
        Evidence e = ingest("flip", "ec");
        Path part = e.spool().resolve(e.result().parts().get(1).spoolFile());
        byte[] b = Files.readAllBytes(part);
        b[b.length / 2] ^= 1;
        Files.write(part, b);
        Path restored = dir.resolve("flip.mp4");
        assertOneLineError(open(e, e.recipientKey(), restored), "part 1");
        assertFalse(Files.exists(restored));
    }

    @Test
    void aTamperedManifestIsRefused() throws Exception {
        Evidence e = ingest("tamper", "ec");
        Path m = e.spool().resolve(Spool.manifestName(9));
        Files.writeString(m, Files.readString(m).replace("BWC-1", "BWC-2"));
        Path restored = dir.resolve("tamper.mp4");
        assertOneLineError(open(e, e.recipientKey(), restored), "manifest signature does not verify");
        assertFalse(Files.exists(restored));
    }

    @Test
    void theWrongRecipientKeyCannotOpen() throws Exception {
        Evidence e = ingest("right", "ec");
        assertEquals(0, run("evidence", "keygen", "--ca-dir", ca.toString(), "--name", "wrong", "--out", dir.resolve("keys").toString(),
                "--passphrase-env", "CA_PASS"), err::toString);
        Path restored = dir.resolve("wrong.mp4");
        assertOneLineError(open(e, dir.resolve("keys/wrong.key"), restored), "part 0");
        assertFalse(Files.exists(restored));
    }

    // ---- one test per bad input -----------------------------------------------------------------

    @Test
    void wrongPassphrase() {
        Path d = dir.resolve("d");
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-1", "--out", d.toString()));
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of("CA_PASS", "not the passphrase"),
                Clock.systemUTC(), "dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(),
                "--dock-id", "dock-1", "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS");
        assertOneLineError(code, "wrong passphrase");
        assertFalse(Files.exists(d.resolve("dock.crt")));
    }

    @Test
    void expiredCa() {
        Path d = dir.resolve("d");
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-1", "--out", d.toString()));
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(60)), ZoneOffset.UTC);
        assertOneLineError(run(later, "dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(),
                "--dock-id", "dock-1", "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS"), "expired");
        assertFalse(Files.exists(d.resolve("dock.crt")));
    }

    @Test
    void notYetValidCa() {
        Path d = dir.resolve("d");
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-1", "--out", d.toString()));
        Clock earlier = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        assertOneLineError(run(earlier, "dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(),
                "--dock-id", "dock-1", "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS"), "not valid yet");
        assertFalse(Files.exists(d.resolve("dock.crt")));
    }

    @Test
    void csrForAnotherDock() {
        Path d = dir.resolve("d");
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-1", "--out", d.toString()));
        assertOneLineError(run("dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(),
                "--dock-id", "dock-2", "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS"),
                "the request is for dock \"dock-1\", not \"dock-2\"");
        assertFalse(Files.exists(d.resolve("dock.crt")));
    }

    @Test
    void keyFileReadableByOthers() throws Exception {
        Path d = dir.resolve("d");
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-1", "--out", d.toString()));
        Files.setPosixFilePermissions(ca.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertOneLineError(run("dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(),
                "--dock-id", "dock-1", "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS"), "must be 0600");
        assertFalse(Files.exists(d.resolve("dock.crt")));
    }

    private Path bundle(Path caDir, String name) throws Exception {
        Path d = Files.isDirectory(dir.resolve("dock-0003")) ? dir.resolve("dock-0003") : enrollAndIssue("dock-0003");
        Path config = Files.writeString(dir.resolve("agent.toml"), "dockId = \"dock-0003\"\n");
        Path b = dir.resolve(name);
        assertEquals(0, run("bundle", "create", "--ca-dir", caDir.toString(), "--config", config.toString(),
                "--file", "dock.crt=" + d.resolve("dock.crt"), "--file", "broker-ca.pem=" + caDir.resolve("ca.pem"),
                "--out", b.toString(), "--passphrase-env", "CA_PASS"), err::toString);
        return b;
    }

    @Test
    void bundleInstallsAtomicallyWithTheRightModes() throws Exception {
        Path b = bundle(ca, "good.zip");
        Path root = dir.resolve("etc/bwcdock");
        assertEquals(0, run("bundle", "install", "--bundle", b.toString(), "--ca", ca.resolve("ca.pem").toString(),
                "--root", root.toString()), err::toString);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("agent.toml"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("dock.crt"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
    }

    @Test
    void tamperedBundle() throws Exception {
        Path b = bundle(ca, "tampered.zip");
        byte[] zip = Files.readAllBytes(b);
        // Rebuild the zip with agent.toml changed and the original index and signature.
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (var in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        entries.put("agent.toml", "dockId = \"someone-else\"\n".getBytes());
        var bytes = new java.io.ByteArrayOutputStream();
        try (var outZip = new java.util.zip.ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                outZip.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                outZip.write(e.getValue());
                outZip.closeEntry();
            }
        }
        Files.write(b, bytes.toByteArray());
        Path root = dir.resolve("etc/bwcdock");
        assertOneLineError(run("bundle", "install", "--bundle", b.toString(), "--ca", ca.resolve("ca.pem").toString(),
                "--root", root.toString()), "tampered");
        assertFalse(Files.exists(root));
    }

    @Test
    void bundleSignedByAnotherCa() throws Exception {
        Path other = dir.resolve("other-ca");
        assertEquals(0, run("ca", "init", "--dir", other.toString(), "--name", "Other CA", "--passphrase-env", "CA_PASS"));
        Path b = bundle(other, "foreign.zip");
        Path root = dir.resolve("etc/bwcdock");
        assertOneLineError(run("bundle", "install", "--bundle", b.toString(), "--ca", ca.resolve("ca.pem").toString(),
                "--root", root.toString()), "not by the given agency CA");
        assertFalse(Files.exists(root));
    }
}
