package org.bwcdock.provisioning;

import org.bwcdock.receiver.EvidenceReceiver;
import org.bwcdock.receiver.Faults;
import org.bwcdock.receiver.ReceiverSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dock provisioned entirely with this CLI, checked by doctor against the real receiver's TLS. */
@Timeout(120)
class DoctorTest {
    static final Map<String, String> ENV = Map.of("CA_PASS", "correct horse battery staple");
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), ENV, Clock.systemUTC(), args);
    }

    @Test
    void provisionedDockPassesDoctorAndFailuresAreNamed(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca");
        Path keys = dir.resolve("keys");
        Path dock = dir.resolve("dock");
        String[] pass = {"--passphrase-env", "CA_PASS"};
        assertEquals(0, run(concat(new String[] {"ca", "init", "--dir", ca.toString()}, pass)), err::toString);
        assertEquals(0, run("dock", "enroll", "--dock-id", "dock-0042", "--out", dock.toString()), err::toString);
        assertEquals(0, run(concat(new String[] {"dock", "issue", "--ca-dir", ca.toString(), "--csr", dock.resolve("dock.csr").toString(),
                "--dock-id", "dock-0042", "--out", dock.resolve("dock.crt").toString()}, pass)), err::toString);
        assertEquals(0, run(concat(new String[] {"evidence", "keygen", "--ca-dir", ca.toString(), "--name", "receiver", "--purpose", "server",
                "--host", "127.0.0.1", "--out", keys.toString()}, pass)), err::toString);
        assertEquals(0, run(concat(new String[] {"evidence", "keygen", "--ca-dir", ca.toString(), "--name", "receipts",
                "--purpose", "receipt-signer", "--out", keys.toString()}, pass)), err::toString);
        assertEquals(0, run(concat(new String[] {"evidence", "keygen", "--ca-dir", ca.toString(), "--name", "evidence", "--kind", "rsa",
                "--out", keys.toString()}, pass)), err::toString);

        EvidenceReceiver receiver = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("store"),
                keys.resolve("receiver.pem"), keys.resolve("receiver.key"), ca.resolve("ca.pem"), keys.resolve("receipts.pem"),
                keys.resolve("receipts.key"), Duration.ofDays(1), 1L << 30, Faults.NONE));
        try {
            Files.createDirectories(dir.resolve("state"));
            Path config = Files.writeString(dir.resolve("agent.toml"), """
                    dockId = "dock-0042"
                    stateDirectory = "state"
                    [identity]
                    certificate = "dock/dock.crt"
                    privateKey = "dock/dock.key"
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
                    url = "https://127.0.0.1:%d/"
                    trustAnchors = "ca/ca.pem"
                    recipients = ["keys/evidence.pem"]
                    receiptSigners = "ca/ca.pem"
                    """.formatted(receiver.port()));
            assertEquals(0, run("doctor", "--config", config.toString()), out::toString);
            assertTrue(out.toString().contains("ok    evidence receiver: 127.0.0.1:" + receiver.port() + " TLS ok"), out::toString);
            assertTrue(out.toString().contains("ok    dock certificate: CN dock-0042"), out::toString);
            assertTrue(out.toString().contains("all checks passed"), out::toString);

            receiver.close();
            assertEquals(1, run("doctor", "--config", config.toString()), out::toString);
            assertTrue(out.toString().contains("FAIL  evidence receiver: 127.0.0.1:" + receiver.port()), out::toString);
        } finally {
            receiver.close();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
