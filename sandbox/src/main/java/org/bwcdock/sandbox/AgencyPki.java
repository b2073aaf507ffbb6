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
    /** The CA key's passphrase, given to the CLI through the environment as in production (a sandbox, not a secret). */
    public static final String PASSPHRASE = "correct horse battery staple";
    private static final Map<String, String> ENV = Map.of("CA_PASS", PASSPHRASE);
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

    /** {@code evidence keygen}: keys/NAME.key, keys/NAME.pem (the certificate) and keys/NAME-chain.pem; {@code more} adds options. */
    public Path keygen(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("evidence", "keygen", "--ca-dir", ca().toString(), "--name", name,
                "--out", keys().toString(), "--passphrase-env", "CA_PASS"));
        args.addAll(List.of(more));
        cli(args.toArray(String[]::new));
        return keys();
    }

    /** The CA's CRL ({@code provision ca crl}), which the receiver and the dock read. */
    public Path crl() {
        return ca().resolve("crl.pem");
    }

    /** Publishes the CRL again: {@code provision ca crl}. */
    public Path publishCrl() {
        cli("ca", "crl", "--ca-dir", ca().toString(), "--passphrase-env", "CA_PASS");
        return crl();
    }

    /** {@code provision ca revoke}: the certificate in {@code cert} is revoked and the CRL published. */
    public Path revoke(Path cert) {
        cli("ca", "revoke", "--ca-dir", ca().toString(), "--cert", cert.toString(), "--passphrase-env", "CA_PASS");
        return crl();
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
