package org.bwcdock.format;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The dock's signed statement "my audit chain has {@code seq} rows and row {@code seq} has hash
 * {@code head}" (docs/manifest.md, "Audit checkpoints"). Kept off the dock, it turns the unkeyed
 * hash chain into evidence: deleting the newest rows or recomputing the whole chain no longer
 * passes {@code audit verify} against the newest checkpoint. Signed like a manifest (detached CMS by
 * the dock's key); {@code type} keeps one kind of signed document from passing for the other.
 */
public record AuditCheckpoint(String dockId, long seq, String head, Instant at) {
    public static final int VERSION = 1;
    private static final String TYPE = "audit-checkpoint";

    public AuditCheckpoint {
        Objects.requireNonNull(dockId, "dockId");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(at, "at");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative: " + seq);
        }
    }

    /** A checkpoint as it travels and is kept: its canonical JSON and the dock's detached signature over it. */
    public record Signed(byte[] json, byte[] signature) {
        public Signed {
            json = json.clone();
            signature = signature.clone();
        }

        @Override
        public byte[] json() {
            return json.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** Canonical JSON: what the dock signs. */
    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        m.put("type", TYPE);
        m.put("dockId", dockId);
        m.put("seq", seq);
        m.put("head", head);
        m.put("at", at.toString());
        return CanonicalJson.encode(m);
    }

    /** @throws FormatException naming the first field that is missing or malformed */
    public static AuditCheckpoint decode(byte[] bytes) throws FormatException {
        Json j = Json.of("audit checkpoint");
        JsonNode m = Json.parse(bytes, "audit checkpoint");
        long version = j.integer(m, "version", 1);
        if (version != VERSION) {
            throw new FormatException("audit checkpoint: version " + version + " is not supported (only " + VERSION + ")");
        }
        if (!TYPE.equals(j.text(m, "type"))) {
            throw new FormatException("audit checkpoint: type is not " + TYPE);
        }
        return new AuditCheckpoint(j.text(m, "dockId"), j.integer(m, "seq", 0), j.sha256(m, "head"), j.instant(m, "at"));
    }

    /** Detached CMS SignedData over {@link #encode()} by the dock's key, its chain included. */
    public byte[] sign(PrivateKey key, List<X509Certificate> chain) throws IOException {
        return ManifestSignatures.signDetached(encode(), key, chain, "audit checkpoint");
    }

    /**
     * The checkpoint in {@code bytes}, once its signature verifies with a dock certificate of one of
     * {@code agencyCas} whose dock id is the checkpoint's.
     */
    public static AuditCheckpoint verify(byte[] bytes, byte[] signature, List<X509Certificate> agencyCas)
            throws SignatureException, FormatException {
        AuditCheckpoint cp = decode(bytes);
        X509Certificate signer = ManifestSignatures.verifyDetached(bytes, signature, agencyCas, "audit checkpoint", "a dock");
        var problem = Roles.problem(signer, Role.DOCK);
        if (problem.isPresent()) {
            throw new SignatureException("audit checkpoint not signed by a dock: " + problem.get());
        }
        String id = Roles.dockId(signer).orElseThrow();
        if (!id.equals(cp.dockId())) {
            throw new SignatureException("audit checkpoint claims dock \"" + cp.dockId() + "\" but is signed by dock \"" + id + "\"");
        }
        return cp;
    }
}
