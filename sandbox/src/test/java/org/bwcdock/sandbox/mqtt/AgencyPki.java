package org.bwcdock.sandbox.mqtt;

import org.bwcdock.provisioning.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Certificates made with the provisioning CLI, exactly as IT staff would make them. */
final class AgencyPki {
    private static final Map<String, String> ENV = Map.of("CA_PASS", "correct horse battery staple");
    final Path dir;

    AgencyPki(Path dir) {
        this.dir = dir;
        cli("ca", "init", "--dir", ca().toString(), "--passphrase-env", "CA_PASS");
    }

    Path ca() {
        return dir.resolve("ca");
    }

    Path caCert() {
        return ca().resolve("ca.pem");
    }

    /** A client identity (dock or back office): dir/ID/dock.key and dock.crt (chain). */
    Path client(String id) {
        Path d = dir.resolve(id);
        cli("dock", "enroll", "--dock-id", id, "--out", d.toString());
        cli("dock", "issue", "--ca-dir", ca().toString(), "--csr", d.resolve("dock.csr").toString(), "--dock-id", id,
                "--out", d.resolve("dock.crt").toString(), "--passphrase-env", "CA_PASS");
        return d;
    }

    /** keys/NAME.key and keys/NAME.pem. */
    Path keygen(String name, String... more) {
        String[] base = {"evidence", "keygen", "--ca-dir", ca().toString(), "--name", name, "--out", dir.resolve("keys").toString(),
                "--passphrase-env", "CA_PASS"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        cli(args);
        return dir.resolve("keys");
    }

    private static void cli(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), ENV, Clock.systemUTC(), args);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", args) + ": " + err);
        }
    }
}
