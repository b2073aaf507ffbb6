package org.bwcdock.provisioning;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ca", description = "The agency dock CA.", subcommands = {CaCommands.Init.class, CaCommands.Revoke.class, CaCommands.Crl.class})
final class CaCommands {
    @ParentCommand
    Main main;

    @Command(name = "init", description = "Create the agency dock CA (EC P-384); its key is stored encrypted.")
    static final class Init implements Callable<Integer> {
        @ParentCommand
        CaCommands parent;

        @Option(names = "--dir", required = true, description = "where ca.pem and ca.key go")
        Path dir;

        @Option(names = "--name", defaultValue = "Agency Dock CA", description = "the CA's common name")
        String name;

        @Option(names = "--days", defaultValue = "3650")
        int days;

        @ArgGroup(exclusive = true)
        Passphrase passphrase = new Passphrase();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            char[] pass = passphrase.read(parent.main.environment);
            KeyPair keys = Pki.ec();
            X509Certificate ca = Pki.issue(null, keys.getPrivate(), name, keys.getPublic(), null, Duration.ofDays(days),
                    List.of(), parent.main.clock);
            new Pki.Output().add(dir.resolve("ca.pem"), Pki.pem(ca)).secret(dir.resolve("ca.key"), Pki.keyPem(keys.getPrivate(), pass))
                    .write(false);
            java.util.Arrays.fill(pass, '\0');
            spec.commandLine().getOut().println("CA " + name + " created in " + dir + " (valid " + days + " days)");
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a certificate the CA issued (a stolen dock, a leaked key) and publish a new CRL.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        CaCommands parent;

        @picocli.CommandLine.Mixin
        CaOptions ca;

        @Option(names = "--cert", required = true, description = "the certificate to revoke (PEM; the first one in the file)")
        Path cert;

        @Option(names = "--reason", defaultValue = "keyCompromise",
                description = "keyCompromise, affiliationChanged, superseded, cessationOfOperation (default ${DEFAULT-VALUE})")
        String reason;

        @Option(names = "--days", defaultValue = "30", description = "the CRL's nextUpdate, in days (default ${DEFAULT-VALUE})")
        int days;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            X509Certificate caCert = ca.certificate(parent.main.clock);
            X509Certificate victim = Revocations.readCertificate(cert);
            if (!org.bwcdock.format.pki.Roles.issuedBy(victim, caCert)) {
                throw new ProvisioningException(cert + ": " + victim.getSubjectX500Principal().getName() + " was not issued by this CA");
            }
            Revocations revocations = new Revocations(ca.dir);
            revocations.add(victim, reason, parent.main.clock.instant());
            Path crl = revocations.publish(caCert, ca.key(parent.main.environment), Duration.ofDays(days), parent.main.clock);
            spec.commandLine().getOut().println("revoked " + victim.getSubjectX500Principal().getName() + " (serial "
                    + victim.getSerialNumber().toString(16) + "); CRL in " + crl + ": copy it to every dock and receiver");
            return 0;
        }
    }

    @Command(name = "crl", description = "Publish the CA's certificate revocation list again (before its nextUpdate).")
    static final class Crl implements Callable<Integer> {
        @ParentCommand
        CaCommands parent;

        @picocli.CommandLine.Mixin
        CaOptions ca;

        @Option(names = "--days", defaultValue = "30", description = "the CRL's nextUpdate, in days (default ${DEFAULT-VALUE})")
        int days;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            X509Certificate caCert = ca.certificate(parent.main.clock);
            Revocations revocations = new Revocations(ca.dir);
            Path crl = revocations.publish(caCert, ca.key(parent.main.environment), Duration.ofDays(days), parent.main.clock);
            spec.commandLine().getOut().println("CRL in " + crl + ": " + revocations.count() + " revoked certificate(s), valid "
                    + days + " days");
            return 0;
        }
    }
}
