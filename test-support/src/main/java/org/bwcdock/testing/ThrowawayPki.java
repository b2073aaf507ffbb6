package org.bwcdock.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A throwaway agency PKI for the sandbox and the tests: a CA, and certificates it issues, written
 * as PEM files that openssl, brokers and our own loaders read. Never for a real dock: real
 * identities come from the provisioning CLI, with the CA key kept off the dock.
 */
public final class ThrowawayPki {
    public final Path dir;
    public final KeyPair caKeys;
    public final X509Certificate ca;
    private final SecureRandom random = new SecureRandom();

    public ThrowawayPki(Path dir) throws Exception {
        this.dir = dir;
        this.caKeys = ec();
        X500Name name = new X500Name("CN=Throwaway Agency Dock CA");
        X509v3CertificateBuilder b = builder(name, name, caKeys, Duration.ofDays(30))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic()));
        this.ca = sign(b, caKeys.getPrivate());
        write("ca.pem", pem(ca));
    }

    /** A leaf issued by the CA. */
    public record Leaf(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile, Path chainFile) {
    }

    public enum Kind { EC, RSA }

    /** CLIENT: a dock (the CN is its id); SERVER: the receiver, for 127.0.0.1 and localhost. */
    public enum Use { CLIENT, SERVER, RECIPIENT, SIGNER }

    public Leaf issue(String cn, Kind kind, Use use) throws Exception {
        KeyPair keys = kind == Kind.EC ? ec() : rsa();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + cn), keys, Duration.ofDays(7))
                .addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        // The same role markers the provisioning CLI issues (org.bwcdock.format.pki.Roles).
        switch (use) {
            case CLIENT -> Roles.mark(b, Role.DOCK, cn, keys.getPublic());
            case SERVER -> Roles.mark(b, Role.EVIDENCE_RECEIVER, cn, keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            case RECIPIENT -> Roles.mark(b, Role.EVIDENCE_RECIPIENT, cn, keys.getPublic());
            case SIGNER -> Roles.mark(b, Role.RECEIPT_SIGNER, cn, keys.getPublic());
        }
        X509Certificate cert = sign(b, caKeys.getPrivate());
        Path certFile = write(cn + ".pem", pem(cert));
        Path chainFile = write(cn + "-chain.pem", pem(cert) + pem(ca));
        Path keyFile = write(cn + ".key", pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return new Leaf(cert, keys.getPrivate(), certFile, keyFile, chainFile);
    }

    public List<X509Certificate> chain(Leaf leaf) {
        return List.of(leaf.certificate(), ca);
    }

    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        return g.generateKeyPair();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    public static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
