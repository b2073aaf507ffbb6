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

@Command(name = "ca", description = "The agency dock CA.", subcommands = CaCommands.Init.class)
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
            X509Certificate ca = Pki.issue(null, keys.getPrivate(), name, keys.getPublic(), Pki.Use.CA, Duration.ofDays(days),
                    List.of(), parent.main.clock);
            new Pki.Output().add(dir.resolve("ca.pem"), Pki.pem(ca)).secret(dir.resolve("ca.key"), Pki.keyPem(keys.getPrivate(), pass))
                    .write(false);
            java.util.Arrays.fill(pass, '\0');
            spec.commandLine().getOut().println("CA " + name + " created in " + dir + " (valid " + days + " days)");
            return 0;
        }
    }
}
