package org.bwcdock.receiver;

import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Who is on the other end of a TLS connection. TLS has already checked that the client
 * certificate chains to an agency CA; here it must also be a dock: the dock role, a
 * {@code urn:bwcdock:dock:<id>} name equal to its CN, and not revoked. The receipt signer, the
 * receiver's own key, a back-office client are all of the same CA, and none of them is a dock.
 */
final class Docks {
    private final Optional<Crl> crl;

    Docks(Optional<Crl> crl) {
        this.crl = crl;
    }

    /** A dock, by its id and the certificate it connected with (its manifests must be signed by that same certificate). */
    record Client(String dockId, X509Certificate certificate) {
    }

    /** Why a client is not served: the body of the 403. */
    static final class NotADock extends Exception {
        NotADock(String message) {
            super(message);
        }
    }

    Client identify(Exchange x) throws NotADock {
        X509Certificate cert = x.peerCertificates().orElseThrow(() -> new NotADock("no client certificate: only docks may upload"))[0];
        Optional<String> problem = Roles.problem(cert, Role.DOCK);
        if (problem.isPresent()) {
            throw new NotADock("not a dock: " + problem.get() + "; only dock certificates may upload or commit");
        }
        if (crl.isPresent()) {
            try {
                crl.get().check(cert);
            } catch (CertificateException e) {
                throw new NotADock("dock refused: " + e.getMessage());
            }
        }
        return new Client(Roles.dockId(cert).orElseThrow(), cert);
    }
}
