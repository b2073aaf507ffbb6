package org.bwcdock.agent.custody;

import org.bwcdock.format.Manifest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Who can decrypt: per recipient certificate, RSA-OAEP-SHA256 key transport or ephemeral-static
 * ECDH (P-384, X9.63 KDF with SHA-384) with AES-256 key wrap. Generators are made fresh per part,
 * so every part has its own ephemeral ECDH key.
 */
final class Recipients {
    static final String RSA_OAEP = "RSA-OAEP-SHA256";
    static final String ECDH = "ECDH-P384-AES256-KW";

    private final List<X509Certificate> certificates;
    private final Provider bc;
    private final SecureRandom random;

    Recipients(List<X509Certificate> certificates, Provider bc, SecureRandom random) {
        this.certificates = List.copyOf(certificates);
        this.bc = bc;
        this.random = random;
        for (X509Certificate c : certificates) {
            kind(c);
        }
    }

    List<RecipientInfoGenerator> generatorsForOnePart() throws GeneralSecurityException {
        List<RecipientInfoGenerator> out = new ArrayList<>();
        for (X509Certificate cert : certificates) {
            if (kind(cert).equals(RSA_OAEP)) {
                OAEPParameterSpec oaep = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
                out.add(new JceKeyTransRecipientInfoGenerator(cert, new JcaAlgorithmParametersConverter()
                        .getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, oaep)).setProvider(bc));
            } else {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", bc);
                gen.initialize(new ECGenParameterSpec("secp384r1"), random);
                var ephemeral = gen.generateKeyPair();
                out.add(new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA384KDF, ephemeral.getPrivate(),
                        ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP).setProvider(bc).setSecureRandom(random)
                        .addRecipient(cert));
            }
        }
        return out;
    }

    /** The manifest's "recipients" entries. */
    List<Manifest.Recipient> describe() throws GeneralSecurityException {
        List<Manifest.Recipient> out = new ArrayList<>();
        for (X509Certificate cert : certificates) {
            out.add(new Manifest.Recipient(
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded())),
                    cert.getSubjectX500Principal().getName(), kind(cert)));
        }
        return out;
    }

    private static String kind(X509Certificate cert) {
        if (cert.getPublicKey() instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 3072) {
                throw new IllegalArgumentException("recipient " + cert.getSubjectX500Principal() + ": RSA key of "
                        + rsa.getModulus().bitLength() + " bits; at least 3072 are required");
            }
            return RSA_OAEP;
        }
        if (cert.getPublicKey() instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 384) {
            return ECDH;
        }
        throw new IllegalArgumentException("recipient " + cert.getSubjectX500Principal()
                + ": key must be RSA (3072 bits or more) or EC P-384, not " + cert.getPublicKey().getAlgorithm());
    }
}
