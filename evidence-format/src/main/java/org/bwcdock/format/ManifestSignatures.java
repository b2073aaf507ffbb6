package org.bwcdock.format;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * Checks a manifest's detached CMS signature (docs/manifest.md) the way the receiver and
 * {@code evidence open} both must: the signer's certificate is issued by one of the agency CAs,
 * and the signature covers exactly these bytes. Validity dates are the caller's question: the
 * receiver wants a currently valid dock, an archive opened years later does not.
 */
public final class ManifestSignatures {
    private ManifestSignatures() {
    }

    /** Detached CMS SignedData over the manifest bytes by the dock's key, with its certificate chain (leaf first). */
    public static byte[] sign(byte[] manifest, PrivateKey key, List<X509Certificate> chain) throws IOException {
        return signDetached(manifest, key, chain, "manifest");
    }

    /** Detached CMS SignedData over {@code content}, signer's chain included; {@code what} names the document in errors. */
    static byte[] signDetached(byte[] content, PrivateKey key, List<X509Certificate> chain, String what) throws IOException {
        try {
            String algorithm = key.getAlgorithm().equals("RSA") ? "SHA384withRSA" : "SHA384withECDSA";
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(new JcaContentSignerBuilder(algorithm).build(key), chain.get(0)));
            gen.addCertificates(new JcaCertStore(chain));
            return gen.generate(new CMSProcessableByteArray(content), false).getEncoded("DER");
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IOException("signing the " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** @return the signer's certificate, once the signature verifies and chains to an agency CA */
    public static X509Certificate verify(byte[] manifest, byte[] signature, List<X509Certificate> agencyCas)
            throws SignatureException {
        return verifyDetached(manifest, signature, agencyCas, "manifest", "a dock");
    }

    /**
     * A detached signature over {@code content} that verifies with a certificate issued by one of
     * {@code agencyCas}; {@code what} and {@code who} word the errors ("manifest", "a dock").
     */
    static X509Certificate verifyDetached(byte[] content, byte[] signature, List<X509Certificate> agencyCas, String what,
                                          String who) throws SignatureException {
        X509Certificate signer;
        SignerInformation si;
        try {
            CMSSignedData signed = new CMSSignedData(new CMSProcessableByteArray(content), signature);
            si = signed.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> match = signed.getCertificates().getMatches(si.getSID());
            signer = new JcaX509CertificateConverter().getCertificate(match.iterator().next());
        } catch (Exception e) {
            throw new SignatureException(what + " signature unreadable: " + e.getMessage(), e);
        }
        if (agencyCas.stream().noneMatch(ca -> Roles.issuedBy(signer, ca))) {
            throw new SignatureException(what + " signed by " + signer.getSubjectX500Principal() + ", not " + who + " of this agency");
        }
        try {
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                throw new SignatureException(what + " signature does not verify: the " + what + " was changed");
            }
        } catch (SignatureException e) {
            throw e;
        } catch (Exception e) {
            throw new SignatureException(what + " signature does not verify: " + e.getMessage(), e);
        }
        return signer;
    }

    /**
     * {@link #verify}, and the signer is a dock (the dock role, its URN matching its CN) whose id is
     * {@code dockId}, the one the manifest names: one dock's key cannot vouch for another dock's footage.
     */
    public static X509Certificate verifyFromDock(byte[] manifest, byte[] signature, List<X509Certificate> agencyCas, String dockId)
            throws SignatureException {
        X509Certificate signer = verify(manifest, signature, agencyCas);
        var problem = Roles.problem(signer, Role.DOCK);
        if (problem.isPresent()) {
            throw new SignatureException("manifest not signed by a dock: " + problem.get());
        }
        String id = Roles.dockId(signer).orElseThrow();
        if (!id.equals(dockId)) {
            throw new SignatureException("manifest claims dock \"" + dockId + "\" but is signed by dock \"" + id + "\"");
        }
        return signer;
    }
}
