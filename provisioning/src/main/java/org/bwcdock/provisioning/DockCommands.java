package org.bwcdock.provisioning;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(name = "dock", description = "Dock identities.", subcommands = {DockCommands.Enroll.class, DockCommands.Issue.class})
final class DockCommands {
    static final Pattern DOCK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @ParentCommand
    Main main;

    static void checkDockId(String id) throws ProvisioningException {
        if (!DOCK_ID.matcher(id).matches()) {
            throw new ProvisioningException("dock id \"" + id + "\" is not valid (letters, digits, '.', '_', '-'; at most 64)");
        }
    }

    @Command(name = "enroll", description = "On the dock: make its key (never leaves the dock) and a certificate request.")
    static final class Enroll implements Callable<Integer> {
        @Option(names = "--dock-id", required = true)
        String dockId;

        @Option(names = "--out", required = true, description = "directory for dock.key (0600) and dock.csr")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            checkDockId(dockId);
            KeyPair keys = Pki.ec();
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + dockId), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate()));
            new Pki.Output().secret(out.resolve("dock.key"), Pki.keyPem(keys.getPrivate(), null))
                    .add(out.resolve("dock.csr"), Pki.pem(csr)).write(false);
            spec.commandLine().getOut().println("dock " + dockId + ": key in " + out.resolve("dock.key") + ", request in "
                    + out.resolve("dock.csr") + " (send the request to the CA; the key stays here)");
            return 0;
        }
    }

    @Command(name = "issue", description = "At the CA: sign a dock's certificate request.")
    static final class Issue implements Callable<Integer> {
        @ParentCommand
        DockCommands parent;

        @Mixin
        CaOptions ca;

        @Option(names = "--csr", required = true)
        Path csrFile;

        @Option(names = "--dock-id", required = true, description = "the dock id the request must carry")
        String dockId;

        @Option(names = "--days", defaultValue = "825")
        int days;

        @Option(names = "--out", required = true, description = "certificate chain file (dock certificate, then the CA)")
        Path out;


        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            checkDockId(dockId);
            X509Certificate caCert = ca.certificate(parent.main.clock);
            JcaPKCS10CertificationRequest csr = readCsr(csrFile);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new ProvisioningException(csrFile + ": the request's signature is not valid");
            }
            var cns = csr.getSubject().getRDNs(BCStyle.CN);
            String cn = cns.length == 1 ? cns[0].getFirst().getValue().toString() : "";
            if (!cn.equals(dockId)) {
                throw new ProvisioningException(csrFile + ": the request is for dock \"" + cn + "\", not \"" + dockId + "\"");
            }
            PrivateKey caKey = ca.key(parent.main.environment);
            X509Certificate cert = Pki.issue(caCert, caKey, dockId, csr.getPublicKey(), org.bwcdock.format.pki.Role.DOCK, Duration.ofDays(days), List.of(),
                    parent.main.clock);
            new Pki.Output().add(out, Pki.pem(cert, caCert)).write(false);
            spec.commandLine().getOut().println("dock " + dockId + ": certificate issued, valid " + days + " days, in " + out);
            return 0;
        }

        private static JcaPKCS10CertificationRequest readCsr(Path f) throws ProvisioningException {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
                if (p.readObject() instanceof PKCS10CertificationRequest req) {
                    return new JcaPKCS10CertificationRequest(req);
                }
                throw new ProvisioningException(f + ": not a PEM certificate request");
            } catch (java.io.IOException e) {
                throw new ProvisioningException(f + ": cannot read the request: " + e.getMessage());
            }
        }
    }
}
