package org.bwcdock.provisioning;

import org.bwcdock.format.Manifest;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "evidence", description = "The evidence side: keys that open footage, receipts, servers.",
        subcommands = {EvidenceCommands.Keygen.class, EvidenceCommands.Open.class, EvidenceCommands.Packet.class})
final class EvidenceCommands {
    @ParentCommand
    Main main;

    @Command(name = "keygen", description = "A key and a certificate issued by the agency CA, with one role: footage recipient, "
            + "receipt signer, TLS server (evidence receiver, broker) or back office (MQTT client).")
    static final class Keygen implements Callable<Integer> {
        @ParentCommand
        EvidenceCommands parent;

        @Mixin
        CaOptions ca;

        @Option(names = "--name", required = true, description = "common name; also the file names NAME.key, NAME.pem "
                + "(the certificate alone) and NAME-chain.pem (the certificate, then the CA)")
        String name;

        @Option(names = "--purpose", defaultValue = "recipient", description = "recipient, receipt-signer, server or back-office")
        String purpose;

        @Option(names = "--kind", defaultValue = "ec", description = "ec (P-384) or rsa (3072); recipients only may be rsa")
        String kind;

        @Option(names = "--host", description = "server names or addresses (repeat)")
        List<String> hosts = List.of();

        @Option(names = "--days", defaultValue = "825")
        int days;

        @Option(names = "--out", required = true)
        Path out;


        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DockCommands.checkDockId(name);
            Role use = switch (purpose) {
                case "recipient" -> Role.EVIDENCE_RECIPIENT;
                case "receipt-signer" -> Role.RECEIPT_SIGNER;
                case "server" -> Role.EVIDENCE_RECEIVER;
                case "back-office" -> Role.BACK_OFFICE;
                default -> throw new ProvisioningException("--purpose must be recipient, receipt-signer, server or back-office, not " + purpose);
            };
            if (!kind.equals("ec") && !(kind.equals("rsa") && use == Role.EVIDENCE_RECIPIENT)) {
                throw new ProvisioningException("--kind " + kind + " is not possible for a " + purpose + " (ec always; rsa for recipients)");
            }
            if (use == Role.EVIDENCE_RECEIVER && hosts.isEmpty()) {
                throw new ProvisioningException("a server certificate needs at least one --host");
            }
            X509Certificate caCert = ca.certificate(parent.main.clock);
            PrivateKey caKey = ca.key(parent.main.environment);
            KeyPair keys = kind.equals("rsa") ? Pki.rsa() : Pki.ec();
            X509Certificate cert = Pki.issue(caCert, caKey, name, keys.getPublic(), use, Duration.ofDays(days), hosts, parent.main.clock);
            // The leaf alone where a single certificate is meant (a recipient, a pinned signer): a CA
            // certificate in a recipients file would let the CA's key decrypt the footage.
            new Pki.Output().secret(out.resolve(name + ".key"), Pki.keyPem(keys.getPrivate(), null))
                    .add(out.resolve(name + ".pem"), Pki.pem(cert))
                    .add(out.resolve(name + "-chain.pem"), Pki.pem(cert, caCert)).write(false);
            spec.commandLine().getOut().println(purpose + " " + name + ": key in " + out.resolve(name + ".key") + ", certificate in "
                    + out.resolve(name + ".pem") + ", chain in " + out.resolve(name + "-chain.pem") + ", SHA-256 fingerprint "
                    + Roles.fingerprint(cert));
            return 0;
        }
    }

    @Command(name = "open", description = "Verify and decrypt one evidence file: manifest, parts, optional receipt.")
    static final class Open implements Callable<Integer> {
        @Option(names = "--manifest", required = true)
        Path manifest;

        @Option(names = "--signature", required = true)
        Path signature;

        @Option(names = "--parts", required = true, description = "directory with the encrypted parts")
        Path parts;

        @Mixin
        RecipientOptions recipient;

        @Option(names = "--receipt")
        Path receipt;

        @Option(names = "--receipt-signer", description = "certificate(s) trusted to sign receipts")
        Path receiptSigner;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--out", required = true, description = "the file to write")
            Path out;

            @Option(names = "--out-dir", required = true, description = "restore under this directory by the camera's own "
                    + "name (the manifest's name bytes, also where they are not UTF-8), making its directories")
            Path outDir;
        }

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path out = target.out;
            if (out != null && Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new ProvisioningException(out + " already exists (or is a link); not overwritten");
            }
            if ((receipt == null) != (receiptSigner == null)) {
                throw new ProvisioningException("--receipt and --receipt-signer go together");
            }
            try {
                Optional<EvidenceOpener.ReceiptCheck> check = receipt == null ? Optional.empty()
                        : Optional.of(new EvidenceOpener.ReceiptCheck(Files.readAllBytes(receipt), PemFiles.readCertificates(receiptSigner)));
                byte[] m = Files.readAllBytes(manifest);
                byte[] sig = Files.readAllBytes(signature);
                if (out != null) {
                    String sha = new EvidenceOpener().open(m, sig, parts, PemFiles.readPrivateKey(recipient.key),
                            PemFiles.readCertificates(recipient.cert).get(0), PemFiles.readCertificates(recipient.ca), check, out);
                    spec.commandLine().getOut().println(out + ": restored, SHA-256 " + sha + " as the dock recorded it");
                } else {
                    String sha = new EvidenceOpener().openUnder(m, sig, parts, PemFiles.readPrivateKey(recipient.key),
                            PemFiles.readCertificates(recipient.cert).get(0), PemFiles.readCertificates(recipient.ca), check, target.outDir);
                    // The name as bytes were verified only now; shown escaped (it came from a camera).
                    spec.commandLine().getOut().println(target.outDir + "/" + SafeText.fromBytes(Manifest.decode(m).file().pathBytes())
                            + ": restored, SHA-256 " + sha + " as the dock recorded it");
                }
                return 0;
            } catch (IOException e) {
                throw new ProvisioningException(e.getMessage());
            }
        }
    }

    @Command(name = "packet", description = "The court packet for one stored evidence file: footage, manifest, signature, receipt, "
            + "certificates, README.txt and a VERIFY.sh that needs only openssl and sha256sum.")
    static final class Packet implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "the evidence receiver's store (holds evidence/ID/)")
        Path store;

        @Option(names = "--id", required = true, description = "the evidence id (the receipt's evidenceId)")
        String id;

        @Mixin
        RecipientOptions recipient;

        @Option(names = "--receipt-signer", required = true, description = "certificate(s) trusted to sign receipts")
        Path receiptSigner;

        @Option(names = "--out", required = true, description = "the packet directory to create (must not exist)")
        Path out;

        @Option(names = "--audit", description = "the dock's audit rows ('bwcdock-agent audit export'), for the rows about "
                + "this file and the dock's signed checkpoint that covers them")
        Path audit;

        @Option(names = "--tsa-ca", description = "the time-stamping authority's CA certificate(s) (PEM); required when the evidence "
                + "holds RFC 3161 timestamps (manifest.tsr, receipt.tsr)")
        Path tsaCa;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
                throw new ProvisioningException("--id: " + org.bwcdock.format.SafeText.escape(id) + " is not an evidence id");
            }
            Path dir = store.resolve("evidence").resolve(id);
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new ProvisioningException(dir + ": no such evidence in the store");
            }
            try {
                String sha = CourtPacket.write(new CourtPacket.Sources(dir, PemFiles.readPrivateKey(recipient.key),
                        PemFiles.readCertificates(recipient.cert).get(0), PemFiles.readCertificates(recipient.ca),
                        PemFiles.readCertificates(receiptSigner), tsaCa == null ? List.of() : PemFiles.readCertificates(tsaCa),
                        java.util.Optional.ofNullable(audit)), out);
                spec.commandLine().getOut().println(out + ": court packet written; footage SHA-256 " + sha
                        + "; check it with: sh " + out.resolve("VERIFY.sh"));
                return 0;
            } catch (IOException e) {
                throw new ProvisioningException(e.getMessage());
            }
        }
    }

    /** Who opens the footage, and whose docks' signatures count: shared by open and packet. */
    static final class RecipientOptions {
        @Option(names = "--key", required = true, description = "the recipient's private key (mode 0600)")
        Path key;

        @Option(names = "--cert", required = true, description = "the recipient's certificate")
        Path cert;

        @Option(names = "--ca", required = true, description = "agency CA certificate(s) that issue dock certificates")
        Path ca;
    }
}
