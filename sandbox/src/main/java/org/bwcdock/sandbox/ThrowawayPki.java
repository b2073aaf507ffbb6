package org.bwcdock.sandbox;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Keys and certificates that live only as long as one sandbox run. */
final class ThrowawayPki {
    private ThrowawayPki() {
    }

    /** Writes a self-signed P-384 certificate and its 0600 key for {@code cn}. */
    static void selfSigned(String cn, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        selfSigned(cn, false, certFile, keyFile);
    }

    /** Writes a self-signed certificate (RSA 3072 or EC P-384) and its 0600 key for {@code cn}. */
    static void selfSigned(String cn, boolean rsa, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(rsa ? "RSA" : "EC");
        if (rsa) {
            gen.initialize(3072);
        } else {
            gen.initialize(new ECGenParameterSpec("secp384r1"));
        }
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        try {
            X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .build(new JcaContentSignerBuilder(rsa ? "SHA256withRSA" : "SHA384withECDSA").build(pair.getPrivate()));
            Files.writeString(certFile, pem(cert));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null).generate()));
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
