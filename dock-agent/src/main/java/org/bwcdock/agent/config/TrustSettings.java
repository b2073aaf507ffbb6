package org.bwcdock.agent.config;

import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Whom the dock trusts with what ([evidence] in agent.toml), checked once at load:
 * {@code recipients} are exactly the recipient-role leaf certificates in those files (never a CA:
 * its key would open every part); {@code receiptSigners} holds the agency CA(s) whose
 * receipt-signer-role certificates may sign receipts; {@code receiptSignerPins} adds certificates
 * by SHA-256 fingerprint; {@code crl} is the agency CA's revocation list, which the receiver's TLS
 * certificate and every receipt signer are checked against.
 *
 * @param recipients the certificates every part is encrypted for, in config order
 * @param receiptSignerCas agency CA certificates from {@code receiptSigners}
 * @param receiptSignerPins SHA-256 fingerprints, lowercase hex without colons
 */
public record TrustSettings(List<X509Certificate> recipients, List<X509Certificate> receiptSignerCas, Set<String> receiptSignerPins,
                            Optional<Path> crl) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public TrustSettings {
        recipients = List.copyOf(recipients);
        receiptSignerCas = List.copyOf(receiptSignerCas);
        receiptSignerPins = Set.copyOf(receiptSignerPins);
    }

    /** @param readableFile the loader's check of a file key: records a problem and returns the resolved path */
    static TrustSettings read(Table t, List<Path> recipientFiles, Path receiptSigners, BiFunction<String, String, Path> readableFile) {
        List<X509Certificate> recipients = new ArrayList<>();
        for (Path f : recipientFiles) {
            for (X509Certificate c : certificates(t, "recipients", f)) {
                Roles.problem(c, Role.EVIDENCE_RECIPIENT).ifPresentOrElse(
                        why -> t.problem("recipients", f + ": " + why + "; list only the recipients' own certificates "
                                + "(evidence keygen writes it to NAME.pem), never the CA or a chain"),
                        () -> recipients.add(c));
            }
        }
        List<X509Certificate> cas = new ArrayList<>();
        for (X509Certificate c : certificates(t, "receiptSigners", receiptSigners)) {
            if (Roles.isCa(c)) {
                cas.add(c);
            } else {
                t.problem("receiptSigners", receiptSigners + ": " + c.getSubjectX500Principal().getName() + " is not a CA certificate; "
                        + "give the agency CA here, or pin one signer with receiptSignerPins = [\"<SHA-256 fingerprint>\"]");
            }
        }
        Set<String> pins = new LinkedHashSet<>();
        for (String p : t.strings("receiptSignerPins")) {
            String hex = p.replace(":", "").toLowerCase(java.util.Locale.ROOT);
            if (SHA256.matcher(hex).matches()) {
                pins.add(hex);
            } else {
                t.problem("receiptSignerPins", "\"" + p.replaceAll("[^ -~]", "?") + "\" is not a SHA-256 fingerprint (64 hex digits, "
                        + "colons allowed: openssl x509 -noout -fingerprint -sha256 -in signer.pem)");
            }
        }
        Optional<Path> crl = t.string("crl").map(v -> readableFile.apply("crl", v));
        return new TrustSettings(recipients, cas, pins, crl);
    }

    private static List<X509Certificate> certificates(Table t, String key, Path file) {
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            return List.of(); // the loader has said so already
        }
        try {
            return PemFiles.readCertificates(file);
        } catch (IOException e) {
            t.problem(key, e.getMessage());
            return List.of();
        }
    }
}
