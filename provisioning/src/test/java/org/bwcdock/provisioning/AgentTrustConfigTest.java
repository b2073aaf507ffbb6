package org.bwcdock.provisioning;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigException;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Roles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dock's [evidence] trust settings, with certificates from the CLI: who may decrypt, who may sign receipts. */
@Timeout(120)
class AgentTrustConfigTest {
    @TempDir
    Path dir;
    AgencyFixture agency;

    @BeforeEach
    void pki() throws Exception {
        agency = new AgencyFixture(dir);
        agency.dock("dock-0042");
        agency.keygen("evidence", "recipient", "--kind", "rsa");
        agency.keygen("escrow", "recipient");
        agency.keygen("receipts", "receipt-signer");
        Files.createDirectories(dir.resolve("state"));
    }

    private Path config(String evidence) throws Exception {
        return Files.writeString(dir.resolve("agent.toml"), """
                dockId = "dock-0042"
                stateDirectory = "state"
                [identity]
                certificate = "dock-0042/dock.crt"
                privateKey = "dock-0042/dock.key"
                [spool]
                directory = "state/spool"
                quota = "1 GiB"
                [[bays]]
                number = 1
                usbPort = "1-1.1"
                [[cameraProfiles]]
                name = "c"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]
                [evidence]
                url = "https://127.0.0.1:8443/"
                trustAnchors = "ca/ca.pem"
                """ + evidence);
    }

    private List<String> problems(String evidence) throws Exception {
        Path c = config(evidence);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(c)).problems();
    }

    private static void assertProblem(List<String> problems, String... parts) {
        assertTrue(problems.stream().anyMatch(p -> java.util.Arrays.stream(parts).allMatch(p::contains)),
                () -> "expected a problem with " + List.of(parts) + " in " + problems);
    }

    @Test
    void theRecipientsAreExactlyTheConfiguredLeaves() throws Exception {
        AgentConfig c = ConfigLoader.load(config("""
                recipients = ["keys/evidence.pem", "keys/escrow.pem"]
                receiptSigners = "ca/ca.pem"
                """));
        assertEquals(List.of(PemFiles.readCertificates(agency.keys.resolve("evidence.pem")).get(0),
                PemFiles.readCertificates(agency.keys.resolve("escrow.pem")).get(0)), c.evidence().trust().recipients());
    }

    @Test
    void theCaAsARecipientIsRefusedNamingKeyFileAndSubject() throws Exception {
        assertProblem(problems("""
                recipients = ["ca/ca.pem"]
                receiptSigners = "ca/ca.pem"
                """), "evidence.recipients: ", dir.resolve("ca/ca.pem").toString(), "CN=Agency Dock CA is a CA certificate");
        // A chain file carries the CA too.
        assertProblem(problems("""
                recipients = ["keys/evidence-chain.pem"]
                receiptSigners = "ca/ca.pem"
                """), "evidence.recipients: ", "evidence-chain.pem", "CN=Agency Dock CA is a CA certificate");
    }

    @Test
    void aCertificateWithoutTheRecipientRoleIsRefused() throws Exception {
        assertProblem(problems("""
                recipients = ["keys/receipts.pem"]
                receiptSigners = "ca/ca.pem"
                """), "evidence.recipients: ", "receipts.pem", "CN=receipts does not carry the evidence recipient role");
    }

    @Test
    void receiptSignersAreTheCaOrPinnedByFingerprint() throws Exception {
        assertProblem(problems("""
                recipients = ["keys/evidence.pem"]
                receiptSigners = "keys/receipts.pem"
                """), "evidence.receiptSigners: ", "CN=receipts is not a CA certificate", "receiptSignerPins");
        assertProblem(problems("""
                recipients = ["keys/evidence.pem"]
                receiptSigners = "ca/ca.pem"
                receiptSignerPins = ["beef"]
                """), "evidence.receiptSignerPins: \"beef\" is not a SHA-256 fingerprint");
        assertProblem(problems("""
                recipients = ["keys/evidence.pem"]
                receiptSigners = "ca/ca.pem"
                crl = "ca/crl.pem"
                """), "evidence.crl: ", "crl.pem does not exist");
        String pin = Roles.fingerprint(PemFiles.readCertificates(agency.keys.resolve("receipts.pem")).get(0));
        agency.ok("ca", "crl", "--ca-dir", agency.ca.toString());
        AgentConfig c = ConfigLoader.load(config("""
                recipients = ["keys/evidence.pem"]
                receiptSigners = "ca/ca.pem"
                receiptSignerPins = ["%s"]
                crl = "ca/crl.pem"
                """.formatted(pin.toUpperCase().replaceAll("(..)(?!$)", "$1:"))));
        assertEquals(java.util.Set.of(pin), c.evidence().trust().receiptSignerPins());
        assertEquals(dir.resolve("ca/crl.pem"), c.evidence().trust().crl().orElseThrow());
    }
}
