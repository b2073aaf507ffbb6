package org.bwcdock.provisioning;

import org.bwcdock.format.CanonicalJson;
import org.bwcdock.format.pki.PemFiles;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "bundle", description = "Signed configuration bundles for docks.",
        subcommands = {BundleCommands.Create.class, BundleCommands.Install.class})
final class BundleCommands {
    @ParentCommand
    Main main;

    @Command(name = "create", description = "Pack agent.toml and the certificates a dock needs, signed by the CA.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        BundleCommands parent;

        @Mixin
        CaOptions ca;

        @Option(names = "--config", required = true, description = "the dock's agent.toml")
        Path config;

        @Option(names = "--file", description = "NAME=PATH of a certificate to include, e.g. dock.crt=dock-chain.pem, "
                + "broker-ca.pem=..., recipients/evidence.pem=... (repeat)")
        Map<String, Path> files = new LinkedHashMap<>();

        @Option(names = "--out", required = true)
        Path out;


        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            X509Certificate caCert = ca.certificate(parent.main.clock);
            Map<String, byte[]> entries = new TreeMap<>();
            entries.put("agent.toml", read(config));
            for (var e : files.entrySet()) {
                Bundles.checkName(e.getKey());
                byte[] b = read(e.getValue());
                if (!e.getKey().equals("agent.toml")) {
                    Bundles.certificatesOnly(e.getKey(), e.getValue());
                }
                entries.put(e.getKey(), b);
            }
            PrivateKey caKey = ca.key(parent.main.environment);
            byte[] zip = Bundles.create(entries, caKey, caCert, parent.main.clock);
            Files.write(out, zip);
            spec.commandLine().getOut().println("bundle " + out + ": " + entries.size() + " file(s), signed by " + caCert.getSubjectX500Principal());
            return 0;
        }

        private static byte[] read(Path p) throws ProvisioningException {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new ProvisioningException("cannot read " + p + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "install", description = "Verify a bundle against the agency CA and install it, all or nothing.")
    static final class Install implements Callable<Integer> {
        @Option(names = "--bundle", required = true)
        Path bundle;

        @Option(names = "--ca", required = true, description = "the agency CA certificate the bundle must be signed by")
        Path ca;

        @Option(names = "--root", defaultValue = "/etc/bwcdock", description = "where to install (default ${DEFAULT-VALUE})")
        Path root;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> trusted;
            byte[] zip;
            try {
                trusted = PemFiles.readCertificates(ca);
                zip = Files.readAllBytes(bundle);
            } catch (IOException e) {
                throw new ProvisioningException(e.getMessage());
            }
            Map<String, byte[]> entries = Bundles.verify(zip, trusted);
            Bundles.install(entries, index(entries).getBytes(java.nio.charset.StandardCharsets.UTF_8), root);
            spec.commandLine().getOut().println("installed " + entries.size() + " file(s) into " + root);
            return 0;
        }
    }

    static String index(Map<String, byte[]> entries) {
        Map<String, Object> m = new TreeMap<>();
        entries.forEach((k, v) -> m.put(k, org.bwcdock.format.pki.Digests.sha256Hex(v)));
        return new String(CanonicalJson.encode(Map.of("version", 1, "entries", m)), java.nio.charset.StandardCharsets.UTF_8);
    }
}
