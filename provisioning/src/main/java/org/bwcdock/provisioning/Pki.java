package org.bwcdock.provisioning;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
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
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Keys and certificates for the agency: generation, issuing, and passphrase-protected CA keys. */
final class Pki {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** PBES2 with AES-CBC needs Bouncy Castle's provider; used here only, never registered globally. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /** PBKDF2's PRF, named in the key file, where BC's default would be HMAC-SHA1. */
    private static final AlgorithmIdentifier HMAC_SHA256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);

    private Pki() {
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072, RANDOM);
        return g.generateKeyPair();
    }

    /**
     * Issues a certificate: the agency CA itself ({@code role} null, self-signed), or a leaf with
     * exactly one role (org.bwcdock.format.pki.Roles puts the markers in); {@code hosts} are a
     * server's DNS names or addresses.
     */
    static X509Certificate issue(X509Certificate issuer, PrivateKey issuerKey, String cn, PublicKey subjectKey, Role role,
                                 Duration validity, List<String> hosts, Clock clock) throws GeneralSecurityException {
        try {
            X500Name subject = new X500Name("CN=" + cn);
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            Instant now = clock.instant();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuer != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
            }
            if (role == null) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                Roles.mark(b, role, cn, subjectKey);
            }
            if (role == Role.EVIDENCE_RECEIVER) {
                GeneralName[] names = hosts.stream().map(h -> h.matches("[0-9.]+|.*:.*")
                        ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h)).toArray(GeneralName[]::new);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
        } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    static String pem(Object... objects) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        }
        return out.toString();
    }

    static String keyPem(PrivateKey key, char[] passphrase) throws IOException {
        try {
            var encryptor = passphrase == null ? null : new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setRandom(RANDOM).setPassword(passphrase).setIterationCount(600_000)
                    .setPRF(HMAC_SHA256).build(); // PBKDF2 names its PRF; not the SHA-1 default
            return pem(new JcaPKCS8Generator(key, encryptor).generate());
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot encrypt the key: " + e.getMessage(), e);
        }
    }

    /** The CA's key, decrypted; refuses a key file others can read, and names a wrong passphrase as such. */
    static PrivateKey readEncryptedKey(Path file, char[] passphrase) throws ProvisioningException {
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            if (!mode.endsWith("------")) {
                throw new ProvisioningException(file + ": key file has mode " + mode + "; it must be 0600 (chmod 600 " + file + ")");
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
                Object o = p.readObject();
                PrivateKeyInfo info;
                if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                    try {
                        info = enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase));
                    } catch (Exception e) {
                        throw new ProvisioningException(file + ": wrong passphrase for the CA key");
                    }
                } else {
                    throw new ProvisioningException(file + ": not an encrypted PKCS#8 key");
                }
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new ProvisioningException(file + ": cannot read key: " + e.getMessage());
        }
    }

    /** The CA certificate, if it is valid now. */
    static X509Certificate readValidCa(Path file, Clock clock) throws ProvisioningException {
        try {
            X509Certificate ca = PemFiles.readCertificates(file).get(0);
            ca.checkValidity(Date.from(clock.instant()));
            return ca;
        } catch (CertificateExpiredException e) {
            throw new ProvisioningException(file + ": the CA certificate expired on " + e.getMessage());
        } catch (CertificateNotYetValidException e) {
            throw new ProvisioningException(file + ": the CA certificate is not valid yet (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new ProvisioningException(e.getMessage());
        }
    }

    /** Publicly readable files (certificates) and owner-only ones (keys), written all or nothing at the end. */
    static final class Output {
        private final java.util.Map<Path, String> files = new java.util.LinkedHashMap<>();
        private final java.util.Set<Path> secret = new java.util.HashSet<>();

        Output add(Path p, String content) {
            files.put(p, content);
            return this;
        }

        Output secret(Path p, String content) {
            secret.add(p);
            return add(p, content);
        }

        void write(boolean overwrite) throws ProvisioningException {
            for (Path p : files.keySet()) {
                if (!overwrite && Files.exists(p)) {
                    throw new ProvisioningException(p + " already exists; not overwritten");
                }
            }
            try {
                for (var e : files.entrySet()) {
                    Path target = e.getKey().toAbsolutePath();
                    Files.createDirectories(target.getParent());
                    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                    Files.deleteIfExists(tmp);
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                            secret.contains(e.getKey()) ? "rw-------" : "rw-r--r--")));
                    Files.writeString(tmp, e.getValue());
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new ProvisioningException("cannot write output: " + e.getMessage());
            }
        }
    }
}
