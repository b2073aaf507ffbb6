package org.bwcdock.agent.custody;

import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.testing.ThrowawayPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A CA, the dock's identity, an RSA and an EC recipient, a spool and an ingestor. */
final class CustodyFixture implements AutoCloseable {
    final ThrowawayPki pki;
    final ThrowawayPki.Leaf dock;
    final ThrowawayPki.Leaf rsaRecipient;
    final ThrowawayPki.Leaf ecRecipient;
    final Spool spool;
    final Ingestor ingestor;

    CustodyFixture(Path dir, int partSize, long quota, List<String> recipients) throws Exception {
        this(dir, partSize, quota, recipients, CustodySettings.defaultEncryptThreads(), java.util.function.UnaryOperator.identity());
    }

    /** @param wrap puts something between the ingestor and the real spool (a slow or failing disk) */
    CustodyFixture(Path dir, int partSize, long quota, List<String> recipients, int encryptThreads,
                   java.util.function.UnaryOperator<Spool> wrap) throws Exception {
        pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        dock = pki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        rsaRecipient = pki.issue("evidence-rsa", ThrowawayPki.Kind.RSA, ThrowawayPki.Use.RECIPIENT);
        ecRecipient = pki.issue("evidence-ec", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        spool = Spools.open(dir.resolve("spool"), quota);
        var certs = recipients.stream().map(r -> r.equals("rsa") ? rsaRecipient.certificate() : ecRecipient.certificate()).toList();
        ingestor = Ingestors.create(new CustodySettings("dock-test-01", partSize, certs, dock.key(), pki.chain(dock),
                "test", Duration.ofSeconds(30), Clock.systemUTC(), encryptThreads), wrap.apply(spool));
    }

    static IngestRequest request(long fileId, byte[] data) {
        return new IngestRequest(fileId, "BWC-1", 2, "officer-7", "DCIM/100/VID0001.MP4", null, data.length,
                1_700_000_000_000L, "0".repeat(64));
    }

    @Override
    public void close() {
        ingestor.close();
        spool.close();
    }
}
