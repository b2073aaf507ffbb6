package org.bwcdock.sandbox.upload;

import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.provisioning.EvidenceOpener;
import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiver, in its own JVM, killed (-9) the moment it has answered a commit: after a restart on
 * the same store the evidence is there, and {@code evidence open} gives back the footage. A receipt
 * is the receiver's word that the bytes are durable; the dock wipes the camera on it.
 */
@Timeout(180)
class ReceiverCrashTest {
    private static Process receiver(UploadFixture f, Path store) throws Exception {
        return Jvm.fork(List.of("-Xmx256m"), org.bwcdock.receiver.Main.class, "--port", "0", "--store", store.toString(),
                "--tls-cert", f.server.chainFile().toString(), "--tls-key", f.server.keyFile().toString(),
                "--agency-ca", f.pki.caFile().toString(), "--receipt-cert", f.receiptSigner.certFile().toString(),
                "--receipt-key", f.receiptSigner.keyFile().toString()).redirectErrorStream(true).start();
    }

    /** The port the receiver prints once it listens (its output is read until then; the test's timeout bounds it). */
    private static int port(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            int at = line.indexOf("listening on port ");
            if (at >= 0) {
                return Integer.parseInt(line.substring(at + "listening on port ".length()).strip());
            }
        }
        throw new IllegalStateException("the receiver exited before it listened: " + p.waitFor());
    }

    @Test
    void evidenceAnsweredJustBeforeAKillNineOpensAfterTheRestart(@TempDir Path dir) throws Exception {
        try (UploadFixture f = new UploadFixture(dir)) {
            Path store = dir.resolve("crash-store");
            UploadFixture.Ingested in = f.ingest(f.dock, 2_500_000, 1 << 20);
            Process first = receiver(f, store);
            byte[] receipt;
            try (EvidenceSink sink = f.sink(port(first), f.dock, f.receiptSigner.certFile(), 0)) {
                receipt = sink.deliver(in.delivery(null), UploadFixture.QUIET);
            } finally {
                first.destroyForcibly().waitFor(); // kill -9, the moment the receipt is in the dock's hands
            }
            Receipt r = Receipts.verify(receipt, List.of(f.pki.ca));

            Process second = receiver(f, store);
            try {
                port(second);
                Path evidence = store.resolve("evidence").resolve(r.evidenceId());
                assertTrue(Files.isRegularFile(evidence.resolve("receipt.p7s")), "the receipted evidence is in the store");
                Path out = dir.resolve("restored.mp4");
                String sha = new EvidenceOpener().open(Files.readAllBytes(evidence.resolve("manifest.json")),
                        Files.readAllBytes(evidence.resolve("manifest.p7s")), evidence,
                        PemFiles.readPrivateKey(f.pki.dir.resolve("evidence.key")),
                        PemFiles.readCertificates(f.pki.dir.resolve("evidence.pem")).get(0), List.of(f.pki.ca),
                        Optional.of(new EvidenceOpener.ReceiptCheck(receipt, List.of(f.pki.ca))), out);
                assertEquals(in.result().plaintextSha256(), sha, "evidence open restores the footage");
            } finally {
                Jvm.kill(second);
            }
        }
    }
}
