package org.bwcdock.provisioning;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.receiver.EvidenceReceiver;
import org.bwcdock.receiver.Faults;
import org.bwcdock.receiver.ReceiverSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver serves docks only: by role, by a URN that matches the CN, and not once revoked; each refusal is a 403 saying why. */
@Timeout(120)
class ReceiverRolesTest {
    @TempDir
    Path dir;
    AgencyFixture agency;
    EvidenceReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        agency = new AgencyFixture(dir);
        agency.keygen("receiver", "server", "--host", "127.0.0.1");
        agency.keygen("receipts", "receipt-signer");
        agency.ok("ca", "crl", "--ca-dir", agency.ca.toString());
        Path keys = agency.keys;
        receiver = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("store"),
                keys.resolve("receiver-chain.pem"), keys.resolve("receiver.key"), agency.caCert(), keys.resolve("receipts.pem"),
                keys.resolve("receipts.key"), Duration.ofDays(1), 1L << 30, Faults.NONE, Optional.of(agency.ca.resolve("crl.pem"))));
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    /** POST /uploads (tus creation) and POST /commit as the client with this chain and key. */
    private HttpResponse<String>[] tryUploadAndCommit(Path chain, Path key) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.create(chain, key, agency.caCert()))
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            String base = "https://127.0.0.1:" + receiver.port();
            HttpResponse<String> create = http.send(HttpRequest.newBuilder(URI.create(base + "/uploads")).timeout(Duration.ofSeconds(10))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> commit = http.send(HttpRequest.newBuilder(URI.create(base + "/commit")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            @SuppressWarnings("unchecked")
            HttpResponse<String>[] both = new HttpResponse[] {create, commit};
            return both;
        }
    }

    private void assertRefused(HttpResponse<String>[] both, String why) {
        for (HttpResponse<String> r : both) {
            assertEquals(403, r.statusCode(), r.uri() + ": " + r.body());
            assertTrue(r.body().contains(why), r.uri() + ": " + r.body());
        }
    }

    @Test
    void aDockIsServed() throws Exception {
        Path dock = agency.dock("dock-0001");
        HttpResponse<String>[] both = tryUploadAndCommit(dock.resolve("dock.crt"), dock.resolve("dock.key"));
        assertEquals(201, both[0].statusCode(), both[0].body());
        assertEquals(400, both[1].statusCode(), both[1].body()); // an empty commit: malformed, but heard
    }

    @Test
    void theReceiptSignerCannotUploadOrCommit() throws Exception {
        assertRefused(tryUploadAndCommit(agency.keys.resolve("receipts-chain.pem"), agency.keys.resolve("receipts.key")),
                "not a dock: CN=receipts does not carry the dock role");
    }

    @Test
    void aDockWhoseUrnDoesNotMatchItsCnIsRefused() throws Exception {
        // Not something the CLI would issue: a CA operator's mistake, or a forged request.
        X509Certificate ca = PemFiles.readCertificates(agency.caCert()).get(0);
        KeyPair keys = Pki.ec();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, BigInteger.valueOf(4242), Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plus(Duration.ofDays(1))), new X500Name("CN=dock-x"), keys.getPublic());
        Roles.mark(b, Role.DOCK, "dock-y", keys.getPublic());
        var caKey = Pki.readEncryptedKey(agency.ca.resolve("ca.key"), AgencyFixture.ENV.get("CA_PASS").toCharArray());
        X509Certificate odd = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(caKey)));
        Path chain = Files.writeString(dir.resolve("odd.crt"), Pki.pem(odd, ca));
        Path key = Files.writeString(dir.resolve("odd.key"), Pki.keyPem(keys.getPrivate(), null));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertRefused(tryUploadAndCommit(chain, key), "urn:bwcdock:dock:<id> does not match its CN \"dock-x\"");
    }

    @Test
    void aRevokedDockIsRefusedOnceTheCrlIsPublished() throws Exception {
        Path dock = agency.dock("dock-0002");
        assertEquals(201, tryUploadAndCommit(dock.resolve("dock.crt"), dock.resolve("dock.key"))[0].statusCode());
        agency.ok("ca", "revoke", "--ca-dir", agency.ca.toString(), "--cert", dock.resolve("dock.crt").toString());
        assertRefused(tryUploadAndCommit(dock.resolve("dock.crt"), dock.resolve("dock.key")), "dock refused: CN=dock-0002 (serial ");
        assertTrue(tryUploadAndCommit(dock.resolve("dock.crt"), dock.resolve("dock.key"))[0].body().contains("was revoked on"));
    }

    private HttpResponse<String> commit(Path chain, Path key, Spool spool) throws Exception {
        byte[] body = new CommitRequest(Files.readAllBytes(spool.resolve(Spool.manifestName(9))),
                Files.readAllBytes(spool.resolve(Spool.signatureName(9))), List.of("/uploads/none")).encode();
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.create(chain, key, agency.caCert())).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + receiver.port() + "/commit"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aManifestMustBeSignedByTheConnectingCertificateForItsOwnDock() throws Exception {
        Path dock = agency.dock("dock-0001");
        Path other = agency.dock("dock-0002");
        // The same dock key certified twice (a re-issue): the manifest signed under the second certificate.
        Path reissued = Files.createDirectories(dir.resolve("reissued"));
        Files.copy(dock.resolve("dock.key"), reissued.resolve("dock.key"));
        agency.ok("dock", "issue", "--ca-dir", agency.ca.toString(), "--csr", dock.resolve("dock.csr").toString(),
                "--dock-id", "dock-0001", "--out", reissued.resolve("dock.crt").toString());
        Path recipient = agency.keygen("evidence", "recipient");
        byte[] data = new byte[10_000];

        Spool byReissue = agency.ingest(reissued, "dock-0001", recipient, data, dir.resolve("spool-reissue"));
        HttpResponse<String> r = commit(dock.resolve("dock.crt"), dock.resolve("dock.key"), byReissue);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("manifest signed by another certificate of dock dock-0001"), r.body());

        Spool claimingOther = agency.ingest(dock, "dock-0002", recipient, data, dir.resolve("spool-claim"));
        r = commit(other.resolve("dock.crt"), other.resolve("dock.key"), claimingOther);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("manifest claims dock \"dock-0002\" but is signed by dock \"dock-0001\""), r.body());
    }

    /** What the dock does: the evidence server must hold the receiver role and not be revoked (DockAgent's TLS check). */
    @Test
    void theDockRefusesARevokedReceiver() throws Exception {
        Path dock = agency.dock("dock-0001");
        var cas = PemFiles.readCertificates(agency.caCert());
        var check = Roles.requiring(Role.EVIDENCE_RECEIVER, Optional.of(new org.bwcdock.format.pki.Crl(agency.ca.resolve("crl.pem"), cas)));
        HttpRequest head = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + receiver.port() + "/uploads/none"))
                .timeout(Duration.ofSeconds(10)).header("Tus-Resumable", "1.0.0").method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.create(dock.resolve("dock.crt"), dock.resolve("dock.key"),
                agency.caCert(), check)).build()) {
            assertEquals(404, http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        agency.ok("ca", "revoke", "--ca-dir", agency.ca.toString(), "--cert", agency.keys.resolve("receiver.pem").toString());
        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.create(dock.resolve("dock.crt"), dock.resolve("dock.key"),
                agency.caCert(), check)).build()) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> http.send(head, HttpResponse.BodyHandlers.discarding()));
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                why.append(t).append(" / ");
            }
            assertTrue(why.toString().contains("CN=receiver") && why.toString().contains("was revoked on"), why::toString);
        }
    }
}
