package org.bwcdock.format.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The agency CA's certificate revocation list, read from a file (PEM or DER) that IT staff
 * publish with {@code provision ca crl}. Re-read whenever the file changes, so a new CRL counts
 * without a restart. A CRL that cannot be read or is not signed by the agency CA refuses every
 * certificate: a broken CRL must not look like "nothing revoked".
 */
public final class Crl {
    private final Path file;
    private final List<X509Certificate> issuers;
    private Object stamp;
    private X509CRL crl;

    /** @param issuers the agency CA certificates; the CRL must be signed by one of them */
    public Crl(Path file, List<X509Certificate> issuers) {
        this.file = file;
        this.issuers = List.copyOf(issuers);
    }

    public Path file() {
        return file;
    }

    /** @throws CertificateException naming the certificate and when it was revoked, or what is wrong with the CRL */
    public void check(X509Certificate c) throws CertificateException {
        X509CRL current = current();
        if (!current.getIssuerX500Principal().equals(c.getIssuerX500Principal())) {
            throw new CertificateException(c.getSubjectX500Principal().getName() + " is issued by " + c.getIssuerX500Principal().getName()
                    + ", but the CRL " + file + " is " + current.getIssuerX500Principal().getName() + "'s: its revocation is unknown");
        }
        X509CRLEntry entry = current.getRevokedCertificate(c);
        if (entry != null) {
            throw new CertificateException(c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16)
                    + ") was revoked on " + entry.getRevocationDate().toInstant() + " (CRL " + file + ")");
        }
    }

    private synchronized X509CRL current() throws CertificateException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Object now = List.of(a.lastModifiedTime(), a.size(), a.fileKey() == null ? "" : a.fileKey());
            if (!now.equals(stamp)) {
                crl = read();
                stamp = now;
            }
            return crl;
        } catch (IOException e) {
            throw new CertificateException("CRL " + file + " cannot be read (" + e.getMessage() + "): revocation unknown, refused");
        }
    }

    private X509CRL read() throws IOException, CertificateException {
        X509CRL read;
        try (InputStream in = Files.newInputStream(file)) {
            read = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        } catch (CRLException | RuntimeException e) {
            throw new CertificateException("CRL " + file + " is not a valid CRL: " + e.getMessage(), e);
        }
        for (X509Certificate ca : issuers) {
            if (ca.getSubjectX500Principal().equals(read.getIssuerX500Principal())) {
                try {
                    read.verify(ca.getPublicKey());
                    return read;
                } catch (GeneralSecurityException e) {
                    // another CA of the same name
                }
            }
        }
        throw new CertificateException("CRL " + file + " is not signed by the agency CA (" + read.getIssuerX500Principal().getName() + ")");
    }
}
