package org.bwcdock.provisioning;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;

/** The options of every command that signs with the agency CA (a picocli mixin). */
final class CaOptions {
    @Option(names = "--ca-dir", required = true, description = "the agency CA directory (ca.pem, ca.key)")
    Path dir;

    @ArgGroup(exclusive = true)
    Passphrase passphrase = new Passphrase();

    /** The CA certificate, checked first: cheap, and no passphrase is asked for an expired CA. */
    X509Certificate certificate(Clock clock) throws ProvisioningException {
        return Pki.readValidCa(dir.resolve("ca.pem"), clock);
    }

    PrivateKey key(Map<String, String> environment) throws ProvisioningException {
        return Pki.readEncryptedKey(dir.resolve("ca.key"), passphrase.read(environment));
    }
}
