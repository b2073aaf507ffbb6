package org.bwcdock.format;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bwcdock.format.pki.Digests;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Receipts (docs/evidence-upload.md §3): the receiver signs one, the dock verifies it before a
 * file counts as RECEIPTED, and `evidence open` can check it later.
 */
public final class Receipts {
    private Receipts() {
    }

    /** The receiver side: canonical JSON in CMS SignedData (encapsulated), DER. */
    public static byte[] sign(Receipt r, PrivateKey key, X509Certificate cert) throws IOException {
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").build(key), cert));
            gen.addCertificates(new JcaCertStore(List.of(cert)));
            return gen.generate(new CMSProcessableByteArray(r.encode()), true).getEncoded("DER");
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IOException("cannot sign the receipt: " + e.getMessage(), e);
        }
    }

    /** {@link #verify(byte[], ReceiptSigners)} with {@link ReceiptSigners#of}: CAs vouch through the role, leaves are pinned. */
    public static Receipt verify(byte[] der, List<X509Certificate> trusted) throws BadReceiptException {
        return verify(der, ReceiptSigners.of(trusted));
    }

    /**
     * Verifies the signature, checks the signer may sign receipts, and returns the content.
     *
     * @throws BadReceiptException naming what is wrong
     */
    public static Receipt verify(byte[] der, ReceiptSigners trusted) throws BadReceiptException {
        try {
            CMSSignedData signed = new CMSSignedData(der);
            if (signed.getSignedContent() == null) {
                throw new BadReceiptException("receipt carries no content");
            }
            if (signed.getSignerInfos().size() != 1) {
                throw new BadReceiptException("receipt has " + signed.getSignerInfos().size() + " signers, not 1");
            }
            SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            var matches = signed.getCertificates().getMatches(si.getSID());
            if (matches.isEmpty()) {
                throw new BadReceiptException("receipt does not include its signer's certificate");
            }
            X509Certificate signer = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) matches.iterator().next());
            trusted.check(signer);
            signer.checkValidity();
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                throw new BadReceiptException("receipt signature does not verify");
            }
            try {
                return Receipt.decode((byte[]) signed.getSignedContent().getContent());
            } catch (FormatException e) {
                throw new BadReceiptException(e.getMessage());
            }
        } catch (BadReceiptException e) {
            throw e;
        } catch (CMSException | OperatorCreationException | GeneralSecurityException | RuntimeException e) {
            throw new BadReceiptException("receipt unreadable or signature invalid: " + e.getMessage());
        }
    }

    /** The content of a receipt verified before (kept verbatim in the ledger), without checking it again. */
    public static Receipt content(byte[] der) throws BadReceiptException {
        try {
            CMSSignedData signed = new CMSSignedData(der);
            if (signed.getSignedContent() == null) {
                throw new BadReceiptException("receipt carries no content");
            }
            return Receipt.decode((byte[]) signed.getSignedContent().getContent());
        } catch (FormatException e) {
            throw new BadReceiptException(e.getMessage());
        } catch (CMSException | RuntimeException e) {
            throw new BadReceiptException("receipt unreadable: " + e.getMessage());
        }
    }

    /** The receipt is about this file, with exactly the hashes computed at ingest. */
    public static void check(Receipt r, byte[] manifest, String plaintextSha256, List<String> cipherSha256)
            throws BadReceiptException {
        if (!r.plaintextSha256().equals(plaintextSha256)) {
            throw new BadReceiptException("receipt plaintext SHA-256 " + r.plaintextSha256() + " is not the ingest hash " + plaintextSha256);
        }
        if (!r.manifestSha256().equals(Digests.sha256Hex(manifest))) {
            throw new BadReceiptException("receipt is for another manifest (" + r.manifestSha256() + ")");
        }
        if (!r.partCiphertextSha256().equals(cipherSha256)) {
            throw new BadReceiptException("receipt part hashes " + r.partCiphertextSha256() + " differ from the ingest's " + cipherSha256);
        }
    }
}
