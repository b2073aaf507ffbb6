package org.bwcdock.format.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads the PEM files IT staff install: certificates (chains) and unencrypted PKCS#8 private keys. */
public final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in the file, in file order (leaf first for a chain). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": not a valid PEM certificate file: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": contains no certificate");
        }
        return out;
    }

    /**
     * The private key in the file. Refuses a file that group or others may read: the key is the
     * dock's identity, and a readable copy is a leaked one.
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        if (!mode.endsWith("------")) {
            throw new IOException(file + ": private key has mode " + mode + "; it must be readable by its owner only (chmod 600)");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + ": no unencrypted private key found (expected PKCS#8 'BEGIN PRIVATE KEY')");
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid PEM private key: " + e.getMessage(), e);
        }
    }
}
