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
 */
public record Receipt(String evidenceId, String dockId, String cameraId, String path, String plaintextSha256,
                      String manifestSha256, List<String> partCiphertextSha256, String receivedAt) {
    public static final int VERSION = 1;

    public Receipt {
        Objects.requireNonNull(evidenceId, "evidenceId");
        partCiphertextSha256 = List.copyOf(partCiphertextSha256);
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
        return new Receipt(j.text(m, "evidenceId"), j.text(m, "dockId"), j.text(m, "cameraId"), j.text(m, "path"),
                j.sha256(m, "plaintextSha256"), j.sha256(m, "manifestSha256"), parts, j.text(m, "receivedAt"));
    }
}
