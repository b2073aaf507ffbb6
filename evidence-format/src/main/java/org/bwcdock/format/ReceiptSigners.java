package org.bwcdock.format;

import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may sign a receipt, and so release a wipe: a certificate issued by an agency CA that carries
 * the receipt-signer role, or one pinned by its SHA-256 fingerprint. Either way it must not be on
 * the CRL. Any other certificate of the same CA (the receiver's TLS key, a dock) is refused.
 *
 * @param agencyCas CA certificates only
 * @param pinned SHA-256 fingerprints (lowercase hex) of certificates trusted as they are
 * @param crl the agency CA's revocation list, when the site publishes one
 */
public record ReceiptSigners(List<X509Certificate> agencyCas, Set<String> pinned, Optional<Crl> crl) {
    public ReceiptSigners {
        agencyCas = List.copyOf(agencyCas);
        pinned = pinned.stream().map(p -> p.replace(":", "").toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** From a list of certificates as a person hands them over: CAs vouch through the role, leaves are pinned. */
    public static ReceiptSigners of(List<X509Certificate> certificates) {
        List<X509Certificate> cas = new ArrayList<>();
        Set<String> pins = new java.util.HashSet<>();
        for (X509Certificate c : certificates) {
            if (Roles.isCa(c)) {
                cas.add(c);
            } else {
                pins.add(Roles.fingerprint(c));
            }
        }
        return new ReceiptSigners(cas, pins, Optional.empty());
    }

    /** @throws BadReceiptException saying why this signer may not sign receipts */
    public void check(X509Certificate signer) throws BadReceiptException {
        String who = signer.getSubjectX500Principal().getName();
        boolean pin = pinned.contains(Roles.fingerprint(signer));
        if (!pin) {
            if (agencyCas.stream().noneMatch(ca -> Roles.issuedBy(signer, ca))) {
                throw new BadReceiptException("receipt signed by " + who + ", which is neither issued by the agency CA nor pinned");
            }
            Optional<String> problem = Roles.problem(signer, Role.RECEIPT_SIGNER);
            if (problem.isPresent()) {
                throw new BadReceiptException("receipt signed by a certificate that is not a receipt signer: " + problem.get());
            }
        }
        if (crl.isPresent() && (!pin || agencyCas.stream().anyMatch(ca -> Roles.issuedBy(signer, ca)))) {
            try {
                crl.get().check(signer);
            } catch (CertificateException e) {
                throw new BadReceiptException("receipt signer refused: " + e.getMessage());
            }
        }
    }
}
