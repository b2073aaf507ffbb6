package org.bwcdock.receiver;

import org.bwcdock.format.BadReceiptException;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.tsa.TimestampException;
import org.bwcdock.format.tsa.TimestampTokens;

import java.io.IOException;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fixity of the evidence store: every stored object re-hashed against its signed manifest and
 * its receipt, and its RFC 3161 tokens checked against the files they stamp. What it reports is what a court would ask about: an object missing, or not the
 * bytes that were receipted. It reads only, from the directory or the bucket ({@link StoredEvidence}).
 */
final class Fixity {
    /** One evidence directory's verdict; {@code problems} empty means intact. */
    record Finding(String evidenceId, List<String> problems) {
        boolean intact() {
            return problems.isEmpty();
        }
    }

    private final StoredEvidence evidence;
    private final List<X509Certificate> agencyCas;
    private final ReceiptSigners receiptSigners;
    private final List<X509Certificate> tsaCas;

    Fixity(StoredEvidence evidence, List<X509Certificate> agencyCas, ReceiptSigners receiptSigners) {
        this(evidence, agencyCas, receiptSigners, List.of());
    }

    /** @param tsaCas the TSA's CA: stored RFC 3161 tokens are checked against it too (empty: not checked) */
    Fixity(StoredEvidence evidence, List<X509Certificate> agencyCas, ReceiptSigners receiptSigners, List<X509Certificate> tsaCas) {
        this.evidence = evidence;
        this.agencyCas = List.copyOf(agencyCas);
        this.receiptSigners = receiptSigners;
        this.tsaCas = List.copyOf(tsaCas);
    }

    /** Every evidence object of the store, in name order. */
    List<Finding> verifyAll() throws IOException {
        List<Finding> out = new ArrayList<>();
        for (String id : evidence.ids()) {
            out.add(verify(id));
        }
        return out;
    }

    Finding verify(String id) throws IOException {
        List<String> problems = new ArrayList<>();
        Optional<byte[]> manifest = read(id, "manifest.json", problems);
        Optional<byte[]> signature = read(id, "manifest.p7s", problems);
        Optional<byte[]> receiptBytes = read(id, "receipt.p7s", problems);
        if (manifest.isEmpty()) {
            return new Finding(id, problems);
        }
        if (signature.isPresent()) {
            try {
                ManifestSignatures.verify(manifest.get(), signature.get(), agencyCas);
            } catch (SignatureException e) {
                problems.add("manifest.p7s: " + e.getMessage());
            }
        }
        Manifest m;
        try {
            m = Manifest.decode(manifest.get());
        } catch (FormatException e) {
            problems.add("manifest.json: " + e.getMessage());
            return new Finding(id, problems);
        }
        if (receiptBytes.isPresent()) {
            try {
                Receipt r = Receipts.verify(receiptBytes.get(), receiptSigners);
                Receipts.check(r, manifest.get(), m.file().sha256(), m.parts().stream().map(Manifest.Part::ciphertextSha256).toList());
                tokens(id, r, signature, receiptBytes.get(), problems);
            } catch (BadReceiptException e) {
                problems.add("receipt.p7s: " + e.getMessage());
            }
        }
        for (Manifest.Part p : m.parts()) {
            String name = "part-" + p.index() + ".cms";
            Optional<StoredEvidence.Hashed> h = evidence.hash(id, name);
            if (h.isEmpty()) {
                problems.add(name + ": missing");
                continue;
            }
            long size = h.get().size();
            String sha = h.get().sha256();
            if (size != p.ciphertextLength() || !sha.equals(p.ciphertextSha256())) {
                problems.add(name + ": altered (" + size + " bytes, SHA-256 " + sha + "; the manifest and receipt say "
                        + p.ciphertextLength() + " bytes, " + p.ciphertextSha256() + ")");
            }
        }
        return new Finding(id, problems);
    }

    /**
     * The timestamps: a manifest token the receipt says was kept must be there; with the TSA's CA
     * given, each token there must be for exactly the file it stands beside.
     */
    private void tokens(String id, Receipt r, Optional<byte[]> signature, byte[] receipt, List<String> problems) throws IOException {
        Optional<byte[]> manifestToken = evidence.read(id, "manifest.tsr");
        if (Receipt.PRESENT.equals(r.manifestTimestamp()) && manifestToken.isEmpty()) {
            problems.add("manifest.tsr: missing (the receipt says it was kept)");
        }
        if (tsaCas.isEmpty()) {
            return;
        }
        if (manifestToken.isPresent() && signature.isPresent()) {
            token("manifest.tsr", manifestToken.get(), signature.get(), problems);
        }
        Optional<byte[]> receiptToken = evidence.read(id, "receipt.tsr");
        if (receiptToken.isPresent()) {
            token("receipt.tsr", receiptToken.get(), receipt, problems);
        }
    }

    private void token(String name, byte[] token, byte[] data, List<String> problems) {
        try {
            TimestampTokens.verify(token, data, tsaCas, Optional.empty());
        } catch (TimestampException e) {
            problems.add(name + ": " + e.getMessage());
        }
    }

    private Optional<byte[]> read(String id, String name, List<String> problems) throws IOException {
        Optional<byte[]> b = evidence.read(id, name);
        if (b.isEmpty()) {
            problems.add(name + ": missing");
        }
        return b;
    }

    /** One line per finding, for people and scripts: {@code ok ID} or {@code BAD ID: problem; problem}. */
    static String line(Finding f) {
        return f.intact() ? "ok " + f.evidenceId()
                : "BAD " + SafeText.escape(f.evidenceId()) + ": " + SafeText.escape(String.join("; ", f.problems()));
    }
}
