package org.bwcdock.sandbox;

import org.bwcdock.provisioning.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway agency PKI made with the provisioning CLI, exactly as IT staff would make one: the
 * agency CA, dock identities, and the evidence side's keys (recipient, receipt signer, servers).
 */
public final class AgencyPki {
    /** The CA key's passphrase, given to the CLI through the environment as in production. */
    private static final Map<String, String> ENV = Map.of("CA_PASS", "correct horse battery staple");
    private final Path dir;

    public AgencyPki(Path dir) {
        this.dir = dir;
        cli("ca", "init", "--dir", ca().toString(), "--passphrase-env", "CA_PASS");
    }

    public Path ca() {
        return dir.resolve("ca");
    }

    public Path caCert() {
        return ca().resolve("ca.pem");
    }

    /** A client identity (dock or back office) enrolled and issued: DIR/ID/dock.key and dock.crt (chain). */
    public Path client(String id) {
        Path d = dir.resolve(id);
        cli("dock", "enroll", "--dock-id", id, "--out", d.toString());
        cli("dock", "issue", "--ca-dir", ca().toString(), "--csr", d.resolve("dock.csr").toString(), "--dock-id", id,
                "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS");
        return d;
    }

    /** {@code evidence keygen}: keys/NAME.key and keys/NAME.pem (certificate and CA); {@code more} adds options. */
    public Path keygen(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("evidence", "keygen", "--ca-dir", ca().toString(), "--name", name,
                "--out", keys().toString(), "--passphrase-env", "CA_PASS"));
        args.addAll(List.of(more));
        cli(args.toArray(String[]::new));
        return keys();
    }

    public Path keys() {
        return dir.resolve("keys");
    }

    private static void cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), ENV, Clock.systemUTC(), args);
        if (code != 0) {
            throw new IllegalStateException("provision " + String.join(" ", args) + ": " + err);
        }
    }
}
