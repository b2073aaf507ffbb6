package org.bwcdock.format;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the receiver confirms it durably holds (docs/evidence-upload.md §3). Signed by the receipt
 * signer ({@link Receipts}); only a verified receipt with the ingest's hashes releases a wipe.
 *
 * @param partCiphertextSha256 the SHA-256 of each part as stored, in part order
 * @param manifestTimestamp whether the receiver holds an RFC 3161 token on the manifest's signature as it
 *                          signs this receipt: {@link #PRESENT} or {@link #MISSING}; null in receipts from
 *                          before trusted time (the field is then absent)
 */
public record Receipt(String evidenceId, String dockId, String cameraId, String path, String plaintextSha256,
                      String manifestSha256, List<String> partCiphertextSha256, String receivedAt, String manifestTimestamp) {
    public static final int VERSION = 1;
    public static final String PRESENT = "present";
    public static final String MISSING = "missing";

    public Receipt {
        Objects.requireNonNull(evidenceId, "evidenceId");
        partCiphertextSha256 = List.copyOf(partCiphertextSha256);
        if (manifestTimestamp != null && !manifestTimestamp.equals(PRESENT) && !manifestTimestamp.equals(MISSING)) {
            throw new IllegalArgumentException("manifestTimestamp must be present or missing, not " + manifestTimestamp);
        }
    }

    /** Without a word on the manifest's timestamp. */
    public Receipt(String evidenceId, String dockId, String cameraId, String path, String plaintextSha256,
                   String manifestSha256, List<String> partCiphertextSha256, String receivedAt) {
        this(evidenceId, dockId, cameraId, path, plaintextSha256, manifestSha256, partCiphertextSha256, receivedAt, null);
    }

    /** Canonical JSON: the content the receipt signer signs. */
    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        m.put("evidenceId", evidenceId);
        m.put("dockId", dockId);
        m.put("cameraId", cameraId);
        m.put("path", path);
        m.put("plaintextSha256", plaintextSha256);
        m.put("manifestSha256", manifestSha256);
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int i = 0; i < partCiphertextSha256.size(); i++) {
            parts.add(Map.of("index", i, "ciphertextSha256", partCiphertextSha256.get(i)));
        }
        m.put("parts", parts);
        m.put("receivedAt", receivedAt);
        if (manifestTimestamp != null) {
            m.put("manifestTimestamp", manifestTimestamp);
        }
        return CanonicalJson.encode(m);
    }

    /** @throws FormatException naming the first field that is missing or malformed */
    public static Receipt decode(byte[] bytes) throws FormatException {
        Json j = Json.of("receipt");
        JsonNode m = Json.parse(bytes, "receipt");
        long version = j.integer(m, "version", 1);
        if (version != VERSION) {
            throw new FormatException("receipt: version " + version + " is not supported (only " + VERSION + ")");
        }
        List<String> parts = new ArrayList<>();
        JsonNode a = j.array(m, "parts");
        for (int i = 0; i < a.size(); i++) {
            Json pj = Json.of("receipt parts[" + i + "]");
            if (pj.integer(a.get(i), "index", 0) != i) {
                throw new FormatException("receipt parts[" + i + "]: index out of order");
            }
            parts.add(pj.sha256(a.get(i), "ciphertextSha256"));
        }
        String token = null;
        if (m.has("manifestTimestamp")) {
            token = j.text(m, "manifestTimestamp");
            if (!token.equals(PRESENT) && !token.equals(MISSING)) {
                throw new FormatException("receipt: manifestTimestamp must be \"present\" or \"missing\"");
            }
        }
        return new Receipt(j.text(m, "evidenceId"), j.text(m, "dockId"), j.text(m, "cameraId"), j.text(m, "path"),
                j.sha256(m, "plaintextSha256"), j.sha256(m, "manifestSha256"), parts, j.text(m, "receivedAt"), token);
    }
}
