package org.bwcdock.format.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The trust roles, defined once: the OIDs that mark them, how the provisioning CLI (and the test
 * PKI) puts them into a certificate, and how the dock, the receiver and {@code evidence open} read
 * them back. A certificate has a role only when the policy OID, the key usage and the extended key
 * usage all say so; an agency CA certificate never has one.
 */
public final class Roles {
    /**
     * bwcdock's OID arc: 2.25 is the ITU-T X.667 arc for UUIDs, so no registration is needed.
     * The UUID is 5dd8304f-1397-4b9c-8436-2fbd0ea26eea. {@code ARC.1.n}: role policies
     * ({@link Role#policyOid()}); {@code ARC.2.n}: extended key usages.
     */
    public static final String ARC = "2.25.124740719550189632904952173755239657194";
    /** Extended key usage: signs manifests (docks). */
    public static final String MANIFEST_SIGNING = ARC + ".2.1";
    /** Extended key usage: signs receipts (the receipt signer). */
    public static final String RECEIPT_SIGNING = ARC + ".2.2";
    /** A dock's subjectAltName URI is this prefix and its dock id (the CN). */
    public static final String DOCK_URN = "urn:bwcdock:dock:";

    private static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();
    private static final String SERVER_AUTH = KeyPurposeId.id_kp_serverAuth.getId();
    // java.security.cert.X509Certificate#getKeyUsage indexes
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;
    private static final int KEY_CERT_SIGN = 5;

    private Roles() {
    }

    /**
     * Adds the role's extensions to a leaf being issued: basic constraints (not a CA), key usage,
     * extended key usage, the role's policy, and for a dock its URN. A server's DNS/IP names are the
     * caller's (they are not part of the role).
     */
    public static X509v3CertificateBuilder mark(X509v3CertificateBuilder b, Role role, String cn, PublicKey key) throws IOException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.certificatePolicies, false,
                new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier(role.policyOid()))));
        boolean rsa = key.getAlgorithm().equals("RSA");
        switch (role) {
            case DOCK -> b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                            KeyPurposeId.id_kp_clientAuth, KeyPurposeId.getInstance(new ASN1ObjectIdentifier(MANIFEST_SIGNING))}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, DOCK_URN + cn)));
            case EVIDENCE_RECEIVER -> b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            case RECEIPT_SIGNER -> b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.getInstance(new ASN1ObjectIdentifier(RECEIPT_SIGNING))));
            case EVIDENCE_RECIPIENT -> b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement));
            case BACK_OFFICE -> b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        return b;
    }

    /** The roles whose policy the certificate names (not yet whether its usages agree: see {@link #problem}). */
    public static Set<Role> claimed(X509Certificate c) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        byte[] ext = c.getExtensionValue(Extension.certificatePolicies.getId());
        if (ext == null) {
            return out;
        }
        try {
            CertificatePolicies policies = CertificatePolicies.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext));
            for (PolicyInformation p : policies.getPolicyInformation()) {
                for (Role r : Role.values()) {
                    if (r.policyOid().equals(p.getPolicyIdentifier().getId())) {
                        out.add(r);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return EnumSet.noneOf(Role.class);
        }
        return out;
    }

    public static boolean has(X509Certificate c, Role role) {
        return problem(c, role).isEmpty();
    }

    /** Why the certificate does not hold the role, or empty when it does. */
    public static Optional<String> problem(X509Certificate c, Role role) {
        String who = c.getSubjectX500Principal().getName();
        if (isCa(c)) {
            return Optional.of(who + " is a CA certificate: it cannot hold the " + role.label() + " role");
        }
        if (!claimed(c).contains(role)) {
            return Optional.of(who + " does not carry the " + role.label() + " role (certificate policy " + role.policyOid() + ")");
        }
        List<String> eku = extendedKeyUsage(c);
        boolean[] ku = c.getKeyUsage();
        String bad = switch (role) {
            case DOCK -> !eku.contains(CLIENT_AUTH) || !eku.contains(MANIFEST_SIGNING) || !usage(ku, DIGITAL_SIGNATURE)
                    ? "a dock certificate needs key usage digitalSignature and extended key usages clientAuth and manifest signing"
                    : dockId(c).filter(id -> id.equals(Certificates.commonName(c))).isEmpty()
                    ? "its subjectAltName " + DOCK_URN + "<id> does not match its CN \"" + Certificates.commonName(c) + "\"" : null;
            case EVIDENCE_RECEIVER -> !eku.contains(SERVER_AUTH) ? "a receiver certificate needs extended key usage serverAuth" : null;
            case RECEIPT_SIGNER -> !eku.equals(List.of(RECEIPT_SIGNING)) || !usage(ku, DIGITAL_SIGNATURE)
                    ? "a receipt signer needs key usage digitalSignature and the receipt-signing extended key usage alone" : null;
            case EVIDENCE_RECIPIENT -> !usage(ku, KEY_ENCIPHERMENT) && !usage(ku, KEY_AGREEMENT)
                    ? "its key usage allows neither keyEncipherment nor keyAgreement"
                    : usage(ku, DIGITAL_SIGNATURE) ? "a recipient key must not sign (key usage digitalSignature is set)" : null;
            case BACK_OFFICE -> !eku.contains(CLIENT_AUTH) ? "a back-office certificate needs extended key usage clientAuth" : null;
        };
        return Optional.ofNullable(bad).map(b -> who + ": " + b);
    }

    /**
     * A TLS peer check: the peer holds {@code role} and is not on the CRL. The dock uses it for the
     * evidence receiver, so that no other key of the agency CA can pose as the evidence server.
     */
    public static TlsContexts.PeerCheck requiring(Role role, Optional<Crl> crl) {
        return peer -> {
            Optional<String> problem = problem(peer, role);
            if (problem.isPresent()) {
                throw new java.security.cert.CertificateException("the " + role.label() + "'s certificate: " + problem.get());
            }
            if (crl.isPresent()) {
                crl.get().check(peer);
            }
        };
    }

    /** A CA: basic constraints cA, or allowed to sign certificates. */
    public static boolean isCa(X509Certificate c) {
        return c.getBasicConstraints() >= 0 || usage(c.getKeyUsage(), KEY_CERT_SIGN);
    }

    /** The dock id in a {@code urn:bwcdock:dock:<id>} subjectAltName, if there is exactly one. */
    public static Optional<String> dockId(X509Certificate c) {
        try {
            var names = c.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            List<String> ids = new ArrayList<>();
            for (List<?> n : names) {
                if (n.get(0) instanceof Integer type && type == GeneralName.uniformResourceIdentifier
                        && n.get(1) instanceof String uri && uri.startsWith(DOCK_URN)) {
                    ids.add(uri.substring(DOCK_URN.length()));
                }
            }
            return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the certificate's DER, lowercase hex: what {@code openssl x509 -fingerprint -sha256} shows, without colons. */
    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(Digests.sha256().digest(c.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The certificate's signature verifies with the CA's key and names the CA as issuer. */
    public static boolean issuedBy(X509Certificate c, X509Certificate ca) {
        if (!c.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            c.verify(ca.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> extendedKeyUsage(X509Certificate c) {
        try {
            List<String> eku = c.getExtendedKeyUsage();
            return eku == null ? List.of() : eku;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static boolean usage(boolean[] ku, int bit) {
        return ku != null && ku.length > bit && ku[bit];
    }
}
