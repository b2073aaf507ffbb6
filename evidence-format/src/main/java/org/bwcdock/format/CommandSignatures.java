package org.bwcdock.format;

import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commands that can cause loss (lifting a legal hold, unassigning a camera) are signed by a
 * back-office certificate (docs/mqtt-api.yaml, "signed commands"): a detached CMS SignedData over
 * the canonical JSON of the command's fields plus {@code command} and {@code dockId}, so a signed
 * command for one dock, or one command, cannot be replayed as another. The broker's ACL alone
 * decides who may publish; this decides who may make a dock forget evidence.
 */
public final class CommandSignatures {
    /** The payload field that carries the base64 signature; it is not part of what is signed. */
    public static final String FIELD = "signature";

    private CommandSignatures() {
    }

    /**
     * What the back office signs.
     *
     * @param fields the payload's fields but {@link #FIELD}: strings, integers, booleans
     */
    public static byte[] content(String dockId, String command, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.remove(FIELD);
        m.put("command", command);
        m.put("dockId", dockId);
        return CanonicalJson.encode(m);
    }

    public static byte[] sign(byte[] content, PrivateKey key, List<X509Certificate> chain) throws IOException {
        return ManifestSignatures.signDetached(content, key, chain, "command");
    }

    /**
     * @return the signer, once the signature verifies, chains to an agency CA, and the signer holds
     *     the back-office role, is valid now and not revoked
     */
    public static X509Certificate verify(byte[] content, byte[] signature, List<X509Certificate> agencyCas, Optional<Crl> crl)
            throws SignatureException {
        X509Certificate signer = ManifestSignatures.verifyDetached(content, signature, agencyCas, "command", "a back office");
        Optional<String> problem = Roles.problem(signer, Role.BACK_OFFICE);
        if (problem.isPresent()) {
            throw new SignatureException("command not signed by the back office: " + problem.get());
        }
        try {
            signer.checkValidity();
            if (crl.isPresent()) {
                crl.get().check(signer);
            }
        } catch (CertificateException e) {
            throw new SignatureException("command signer " + signer.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
        return signer;
    }
}
