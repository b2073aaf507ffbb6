package org.bwcdock.provisioning;

import picocli.CommandLine.Option;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CA key's passphrase comes from: a file, an environment variable, or a prompt — never
 * the command line, where `ps` and shell history would show it.
 */
final class Passphrase {
    @Option(names = "--passphrase-file", description = "file holding the CA key passphrase (first line)")
    Path file;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "environment variable holding the passphrase")
    String env;

    char[] read(Map<String, String> environment) throws ProvisioningException {
        try {
            if (file != null) {
                String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
                return check(first.toCharArray());
            }
            if (env != null) {
                String v = environment.get(env);
                if (v == null) {
                    throw new ProvisioningException("environment variable " + env + " is not set");
                }
                return check(v.toCharArray());
            }
            Console console = System.console();
            if (console == null) {
                throw new ProvisioningException("no passphrase: give --passphrase-file or --passphrase-env (no terminal to prompt on)");
            }
            return check(console.readPassword("CA key passphrase: "));
        } catch (IOException e) {
            throw new ProvisioningException("cannot read passphrase file " + file + ": " + e.getMessage());
        }
    }

    private static char[] check(char[] p) throws ProvisioningException {
        if (p == null || p.length < 12) {
            throw new ProvisioningException("passphrase must be at least 12 characters");
        }
        return p;
    }
}
