package org.bwcdock.format.tsa;

import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks an RFC 3161 response the way {@code openssl ts -verify -data FILE -CAfile TSA-CA} does,
 * so that what we accept is what a court's expert can check: granted, a SHA-256 imprint of exactly
 * these bytes, signed by a certificate in the token that carries the critical timeStamping
 * extended key usage and chains to the configured TSA CA, valid at the token's time.
 */
public final class TimestampTokens {
    private TimestampTokens() {
    }

    /** What a checked token says. */
    public record Stamp(Instant time, X509Certificate tsa, String policy, BigInteger serial) {
    }

    /**
     * @param tsr a DER {@code TimeStampResp} (what we store as {@code *.tsr})
     * @param policy if present, the token must carry this policy OID
     * @throws TimestampException naming what does not check out
     */
    public static Stamp verify(byte[] tsr, byte[] data, List<X509Certificate> cas, Optional<String> policy) throws TimestampException {
        TimeStampResponse response;
        try {
            response = new TimeStampResponse(tsr);
        } catch (TSPException | IOException | RuntimeException e) {
            throw new TimestampException("not an RFC 3161 time-stamp response: " + e.getMessage(), e);
        }
        int status = response.getStatus();
        if (status != PKIStatus.GRANTED && status != PKIStatus.GRANTED_WITH_MODS) {
            throw new TimestampException("the TSA refused (status " + status + (response.getStatusString() == null ? ""
                    : ": " + response.getStatusString().replaceAll("[^ -~]", "?")) + ")");
        }
        TimeStampToken token = response.getTimeStampToken();
        if (token == null) {
            throw new TimestampException("the response holds no token");
        }
        TimeStampTokenInfo info = token.getTimeStampInfo();
        if (!info.getMessageImprintAlgOID().equals(NISTObjectIdentifiers.id_sha256)) {
            throw new TimestampException("the token's imprint is " + info.getMessageImprintAlgOID() + ", not SHA-256");
        }
        byte[] expected = sha256(data);
        if (!MessageDigest.isEqual(expected, info.getMessageImprintDigest())) {
            throw new TimestampException("the token is for other data: its imprint is SHA-256 "
                    + HexFormat.of().formatHex(info.getMessageImprintDigest()) + ", these bytes hash to " + HexFormat.of().formatHex(expected));
        }
        if (policy.isPresent() && !policy.get().equals(info.getPolicy().getId())) {
            throw new TimestampException("the token's policy is " + info.getPolicy().getId() + ", not " + policy.get());
        }
        X509Certificate signer = signer(token);
        try {
            // Checks the signature, the ESSCertID binding to this certificate, its validity at genTime,
            // and the critical timeStamping extended key usage (RFC 3161 §2.3).
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(signer));
        } catch (TSPException | org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
            throw new TimestampException("the token's signature does not verify: " + e.getMessage(), e);
        }
        chain(token, signer, cas, info.getGenTime().toInstant());
        return new Stamp(info.getGenTime().toInstant(), signer, info.getPolicy().getId(), info.getSerialNumber());
    }

    /** Only the token's time, for display, after {@link #verify}. */
    public static Instant time(byte[] tsr) throws TimestampException {
        try {
            TimeStampToken t = new TimeStampResponse(tsr).getTimeStampToken();
            if (t == null) {
                throw new TimestampException("the response holds no token");
            }
            return t.getTimeStampInfo().getGenTime().toInstant();
        } catch (TSPException | IOException | RuntimeException e) {
            throw new TimestampException("not an RFC 3161 time-stamp response: " + e.getMessage(), e);
        }
    }

    /** The certificate that signed the token (we always ask for it: certReq), PEM-ready for a court packet. */
    public static X509Certificate signerCertificate(byte[] tsr) throws TimestampException {
        try {
            TimeStampToken t = new TimeStampResponse(tsr).getTimeStampToken();
            if (t == null) {
                throw new TimestampException("the response holds no token");
            }
            return signer(t);
        } catch (TSPException | IOException | RuntimeException e) {
            throw new TimestampException("not an RFC 3161 time-stamp response: " + e.getMessage(), e);
        }
    }

    private static X509Certificate signer(TimeStampToken token) throws TimestampException {
        @SuppressWarnings("unchecked")
        var matches = token.getCertificates().getMatches(token.getSID());
        if (matches.isEmpty()) {
            throw new TimestampException("the token does not carry its signer's certificate (it was asked for: certReq)");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) matches.iterator().next());
        } catch (java.security.cert.CertificateException e) {
            throw new TimestampException("the token's signer certificate cannot be read: " + e.getMessage(), e);
        }
    }

    /** The signer chains to a configured CA (through certificates the token carries), checked at the token's time. */
    private static void chain(TimeStampToken token, X509Certificate signer, List<X509Certificate> cas, Instant at)
            throws TimestampException {
        try {
            List<X509Certificate> carried = new ArrayList<>();
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (Object h : token.getCertificates().getMatches(null)) {
                carried.add(conv.getCertificate((X509CertificateHolder) h));
            }
            Set<TrustAnchor> anchors = cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(signer);
            PKIXBuilderParameters p = new PKIXBuilderParameters(anchors, target);
            p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(carried)));
            p.setRevocationEnabled(false); // a TSA's revocation is the expert's question, with the TSA's CRL; not ours at runtime
            p.setDate(java.util.Date.from(at));
            CertPathBuilder.getInstance("PKIX").build(p);
        } catch (GeneralSecurityException e) {
            throw new TimestampException("the token's signer " + signer.getSubjectX500Principal().getName()
                    + " does not chain to the configured TSA CA: " + e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
