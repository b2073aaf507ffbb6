package org.bwcdock.provisioning;

import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.format.pki.PemFiles;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An agency PKI made with the real CLI in a test's directory, and the custody output of a dock. */
final class AgencyFixture {
    static final Map<String, String> ENV = Map.of("CA_PASS", "correct horse battery staple");
    final Path dir;
    final Path ca;
    final Path keys;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    AgencyFixture(Path dir) {
        this.dir = dir;
        this.ca = dir.resolve("ca");
        this.keys = dir.resolve("keys");
        assertEquals(0, run("ca", "init", "--dir", ca.toString(), "--days", "30", "--passphrase-env", "CA_PASS"), err::toString);
    }

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), ENV, Clock.systemUTC(), args);
    }

    /** As {@link #run}, with the CA's passphrase option, and the command must succeed. */
    void ok(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--passphrase-env", "CA_PASS"));
        assertEquals(0, run(a.toArray(String[]::new)), () -> String.join(" ", args) + ": " + err);
    }

    Path caCert() {
        return ca.resolve("ca.pem");
    }

    /** enroll + issue: DIR/ID/dock.key and dock.crt (the chain). */
    Path dock(String id) {
        Path d = dir.resolve(id);
        assertEquals(0, run("dock", "enroll", "--dock-id", id, "--out", d.toString()), err::toString);
        ok("dock", "issue", "--ca-dir", ca.toString(), "--csr", d.resolve("dock.csr").toString(), "--dock-id", id,
                "--out", d.resolve("dock.crt").toString());
        return d;
    }

    /** evidence keygen --purpose PURPOSE (plus options): keys/NAME.pem, NAME-chain.pem, NAME.key. */
    Path keygen(String name, String purpose, String... more) {
        List<String> a = new ArrayList<>(List.of("evidence", "keygen", "--ca-dir", ca.toString(), "--name", name, "--purpose", purpose,
                "--out", keys.toString()));
        a.addAll(List.of(more));
        ok(a.toArray(String[]::new));
        return keys.resolve(name + ".pem");
    }

    /**
     * Ingests {@code data} as file 9 with the custody code, signed by the dock in {@code dockDir},
     * for the recipient {@code recipientCert}; the manifest names {@code claimedDockId}.
     */
    Spool ingest(Path dockDir, String claimedDockId, Path recipientCert, byte[] data, Path spoolDir) throws Exception {
        Spool spool = Spools.open(spoolDir, Long.MAX_VALUE);
        try (Ingestor in = Ingestors.create(new CustodySettings(claimedDockId, 1 << 20, PemFiles.readCertificates(recipientCert),
                PemFiles.readPrivateKey(dockDir.resolve("dock.key")), PemFiles.readCertificates(dockDir.resolve("dock.crt")), "test",
                Duration.ofMinutes(1), Clock.systemUTC()), spool)) {
            in.ingest(new IngestRequest(9, "BWC-1", 1, null, "DCIM/VID.MP4", null, data.length, 0, "0".repeat(64)),
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
        }
        return spool;
    }
}
