package org.bwcdock.provisioning;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bwcdock.format.pki.PemFiles;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The CA's record of revoked certificates ({@code revoked.tsv} beside {@code ca.pem}: serial,
 * time, reason, subject; one line each, never rewritten) and the CRL made from it
 * ({@code crl.pem}), which docks and receivers read.
 */
final class Revocations {
    private static final Map<String, Integer> REASONS = Map.of("keyCompromise", CRLReason.keyCompromise,
            "affiliationChanged", CRLReason.affiliationChanged, "superseded", CRLReason.superseded,
            "cessationOfOperation", CRLReason.cessationOfOperation);

    private record Entry(BigInteger serial, Instant when, String reason) {
    }

    private final Path list;
    private final Path crl;

    Revocations(Path caDir) {
        this.list = caDir.resolve("revoked.tsv");
        this.crl = caDir.resolve("crl.pem");
    }

    static X509Certificate readCertificate(Path file) throws ProvisioningException {
        try {
            return PemFiles.readCertificates(file).get(0);
        } catch (IOException e) {
            throw new ProvisioningException(e.getMessage());
        }
    }

    void add(X509Certificate c, String reason, Instant when) throws ProvisioningException {
        if (!REASONS.containsKey(reason)) {
            throw new ProvisioningException("--reason must be one of " + new java.util.TreeSet<>(REASONS.keySet()) + ", not " + reason);
        }
        if (entries().stream().anyMatch(e -> e.serial().equals(c.getSerialNumber()))) {
            throw new ProvisioningException(c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16)
                    + ") is already revoked");
        }
        String line = c.getSerialNumber().toString(16) + "\t" + when + "\t" + reason + "\t"
                + c.getSubjectX500Principal().getName().replaceAll("[\\t\\r\\n]", " ") + "\n";
        try {
            Files.writeString(list, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ProvisioningException("cannot record the revocation in " + list + ": " + e.getMessage());
        }
    }

    int count() throws ProvisioningException {
        return entries().size();
    }

    /** Signs a CRL of every revoked certificate, valid until now + {@code validity}, and writes it to crl.pem. */
    Path publish(X509Certificate ca, PrivateKey caKey, Duration validity, Clock clock) throws ProvisioningException {
        Instant now = clock.instant();
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(now));
            b.setNextUpdate(Date.from(now.plus(validity)));
            for (Entry e : entries()) {
                b.addCRLEntry(e.serial(), Date.from(e.when()), REASONS.get(e.reason()));
            }
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            X509CRLHolder signed = b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(caKey));
            new Pki.Output().add(crl, Pki.pem(signed)).write(true);
            return crl;
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new ProvisioningException("cannot make the CRL: " + e.getMessage());
        }
    }

    private List<Entry> entries() throws ProvisioningException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(list)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(list)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Entry(new BigInteger(f[0], 16), Instant.parse(f[1]), f[2]));
            }
        } catch (IOException | RuntimeException e) {
            throw new ProvisioningException(list + ": unreadable revocation list: " + e.getMessage());
        }
        return out;
    }
}
