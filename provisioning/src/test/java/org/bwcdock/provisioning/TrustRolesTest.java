package org.bwcdock.provisioning;

import org.bwcdock.agent.spool.Spool;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;
import org.bwcdock.testing.Openssl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The roles the CLI issues, and the checks that rely on them: receipts, manifests, `evidence open`, revocation. */
@Timeout(180)
class TrustRolesTest {
    private static final String H = "cd".repeat(32);

    @TempDir
    Path dir;
    AgencyFixture agency;

    @BeforeEach
    void ca() {
        agency = new AgencyFixture(dir);
    }

    private static X509Certificate cert(Path file) throws Exception {
        return PemFiles.readCertificates(file).get(0);
    }

    @Test
    void everyCertificateCarriesItsOwnRoleAndNoOther() throws Exception {
        Path dock = agency.dock("dock-0001");
        Map<Path, Role> issued = Map.of(
                dock.resolve("dock.crt"), Role.DOCK,
                agency.keygen("receiver", "server", "--host", "127.0.0.1"), Role.EVIDENCE_RECEIVER,
                agency.keygen("receipts", "receipt-signer"), Role.RECEIPT_SIGNER,
                agency.keygen("evidence-rsa", "recipient", "--kind", "rsa"), Role.EVIDENCE_RECIPIENT,
                agency.keygen("evidence-ec", "recipient"), Role.EVIDENCE_RECIPIENT,
                agency.keygen("office", "back-office"), Role.BACK_OFFICE);
        for (var e : issued.entrySet()) {
            X509Certificate c = cert(e.getKey());
            for (Role r : Role.values()) {
                assertEquals(r == e.getValue(), Roles.has(c, r), e.getKey() + " as " + r + ": " + Roles.problem(c, r));
            }
            var text = Openssl.run("x509", "-noout", "-text", "-in", e.getKey().toString());
            assertTrue(text.output().contains(e.getValue().policyOid()), text.output());
        }
        assertEquals(Optional.of("dock-0001"), Roles.dockId(cert(dock.resolve("dock.crt"))));
        X509Certificate ca = cert(agency.caCert());
        for (Role r : Role.values()) {
            assertTrue(Roles.problem(ca, r).orElseThrow().contains("is a CA certificate"));
        }
        // keygen: the certificate alone in NAME.pem, the chain beside it.
        assertEquals(1, PemFiles.readCertificates(agency.keys.resolve("evidence-rsa.pem")).size());
        assertEquals(List.of(cert(agency.keys.resolve("evidence-rsa.pem")), ca),
                PemFiles.readCertificates(agency.keys.resolve("evidence-rsa-chain.pem")));
        // openssl agrees: the receipt signer is no TLS client.
        var noSign = Openssl.run("verify", "-CAfile", agency.caCert().toString(), "-purpose", "sslclient",
                agency.keys.resolve("receipts.pem").toString());
        assertTrue(noSign.exit() != 0, noSign.output());
    }

    @Test
    void theCaKeysPbkdf2NamesHmacSha256() throws Exception {
        var r = Openssl.run("asn1parse", "-in", agency.ca.resolve("ca.key").toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("PBKDF2") && r.output().contains("hmacWithSHA256"), r.output());
    }

    private static byte[] receipt(Path keys, String name) throws Exception {
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        Receipt r = new Receipt("e1", "dock-0001", "BWC-1", "DCIM/A.MP4", H, Digests.sha256Hex(manifest), List.of(H), "2026-12-01T10:00:00Z");
        return Receipts.sign(r, PemFiles.readPrivateKey(keys.resolve(name + ".key")), cert(keys.resolve(name + ".pem")));
    }

    @Test
    void onlyTheReceiptSignerRoleOrAPinSignsReceipts() throws Exception {
        agency.keygen("receipts", "receipt-signer");
        agency.keygen("receiver", "server", "--host", "127.0.0.1");
        Path other = agency.dock("dock-0002");
        Files.copy(other.resolve("dock.key"), agency.keys.resolve("dock-0002.key"));
        Files.copy(other.resolve("dock.crt"), agency.keys.resolve("dock-0002.pem"));
        ReceiptSigners trust = new ReceiptSigners(PemFiles.readCertificates(agency.caCert()), Set.of(), Optional.empty());

        assertEquals("e1", Receipts.verify(receipt(agency.keys, "receipts"), trust).evidenceId());
        for (String impostor : new String[] {"receiver", "dock-0002"}) {
            BadReceiptException e = assertThrows(BadReceiptException.class, () -> Receipts.verify(receipt(agency.keys, impostor), trust));
            assertTrue(e.getMessage().contains("not a receipt signer") && e.getMessage().contains("CN=" + impostor), e.getMessage());
        }
        // Pinned by fingerprint: trusted as it is, whatever its role.
        String pin = Roles.fingerprint(cert(agency.keys.resolve("receiver.pem")));
        ReceiptSigners pinned = new ReceiptSigners(List.of(), Set.of(pin), Optional.empty());
        assertEquals("e1", Receipts.verify(receipt(agency.keys, "receiver"), pinned).evidenceId());
        assertThrows(BadReceiptException.class, () -> Receipts.verify(receipt(agency.keys, "receipts"), pinned));
    }

    @Test
    void aRevokedReceiptSignerIsRefusedOnceTheCrlSaysSo() throws Exception {
        Path signer = agency.keygen("receipts", "receipt-signer");
        agency.ok("ca", "crl", "--ca-dir", agency.ca.toString());
        Path crlFile = agency.ca.resolve("crl.pem");
        var cas = PemFiles.readCertificates(agency.caCert());
        ReceiptSigners trust = new ReceiptSigners(cas, Set.of(), Optional.of(new Crl(crlFile, cas)));
        byte[] der = receipt(agency.keys, "receipts");
        Receipts.verify(der, trust);

        agency.ok("ca", "revoke", "--ca-dir", agency.ca.toString(), "--cert", signer.toString());
        BadReceiptException e = assertThrows(BadReceiptException.class, () -> Receipts.verify(der, trust));
        assertTrue(e.getMessage().contains("was revoked on"), e.getMessage());

        var crl = Openssl.run("crl", "-in", crlFile.toString(), "-CAfile", agency.caCert().toString(), "-noout", "-text");
        assertTrue(crl.output().contains("verify OK") || crl.exit() == 0, crl.output());
        assertTrue(crl.output().toUpperCase().contains(cert(signer).getSerialNumber().toString(16).toUpperCase()), crl.output());
        assertEquals(1, agency.run("ca", "revoke", "--ca-dir", agency.ca.toString(), "--cert", signer.toString(),
                "--passphrase-env", "CA_PASS"));
        assertTrue(agency.err.toString().contains("already revoked"), agency.err::toString);
    }

    @Test
    void aCrlFromAnotherCaIsNotBelieved() throws Exception {
        Path signer = agency.keygen("receipts", "receipt-signer");
        AgencyFixture other = new AgencyFixture(Files.createDirectories(dir.resolve("other")));
        other.ok("ca", "crl", "--ca-dir", other.ca.toString());
        var cas = PemFiles.readCertificates(agency.caCert());
        var e = assertThrows(java.security.cert.CertificateException.class,
                () -> new Crl(other.ca.resolve("crl.pem"), cas).check(cert(signer)));
        assertTrue(e.getMessage().contains("not signed by the agency CA"), e.getMessage());
    }

    @Test
    void evidenceOpenRefusesAManifestSignedByDockAClaimingDockB() throws Exception {
        Path dockA = agency.dock("dock-a");
        agency.dock("dock-b");
        Path recipient = agency.keygen("evidence", "recipient");
        byte[] data = new byte[300_000];
        new java.util.Random(5).nextBytes(data);
        for (String claimed : new String[] {"dock-a", "dock-b"}) {
            Spool spool = agency.ingest(dockA, claimed, recipient, data, dir.resolve("spool-" + claimed));
            Path restored = dir.resolve("restored-" + claimed);
            int code = agency.run("evidence", "open", "--manifest", spool.resolve(Spool.manifestName(9)).toString(),
                    "--signature", spool.resolve(Spool.signatureName(9)).toString(), "--parts", spool.directory().toString(),
                    "--key", agency.keys.resolve("evidence.key").toString(), "--cert", recipient.toString(),
                    "--ca", agency.caCert().toString(), "--out", restored.toString());
            if (claimed.equals("dock-a")) {
                assertEquals(0, code, agency.err::toString);
                assertArrayEquals(data, Files.readAllBytes(restored));
            } else {
                assertEquals(1, code);
                assertTrue(agency.err.toString().contains("manifest claims dock \"dock-b\" but is signed by dock \"dock-a\""),
                        agency.err::toString);
                assertFalse(Files.exists(restored));
            }
        }
    }

    @Test
    void aManifestSignedByANonDockIsRefused() throws Exception {
        agency.keygen("receipts", "receipt-signer");
        byte[] manifest = "{\"dockId\":\"receipts\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sig = ManifestSignatures.sign(manifest, PemFiles.readPrivateKey(agency.keys.resolve("receipts.key")),
                PemFiles.readCertificates(agency.keys.resolve("receipts-chain.pem")));
        var cas = PemFiles.readCertificates(agency.caCert());
        SignatureException e = assertThrows(SignatureException.class, () -> ManifestSignatures.verifyFromDock(manifest, sig, cas, "receipts"));
        assertTrue(e.getMessage().contains("not signed by a dock") && e.getMessage().contains("does not carry the dock role"), e.getMessage());
    }
}
