package org.bwcdock.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /commit} (docs/evidence-upload.md §3): the signed manifest and, in part order, the
 * upload that holds each part. The dock encodes it, the receiver decodes it.
 *
 * @param partUploads the path of each part's upload at the receiver, index = part index
 * @param auditCheckpoint the dock's newest signed audit checkpoint, which the receiver keeps (the newest per dock)
 * @param manifestTimestamp the RFC 3161 response on the detached signature ({@code manifest.tsr}), if the
 *                          dock's TSA answered; absent: the receipt says the token is missing and the dock
 *                          sends it later ({@code POST /timestamp}, docs/evidence-upload.md)
 */
public record CommitRequest(byte[] manifest, byte[] signature, List<String> partUploads,
                            Optional<AuditCheckpoint.Signed> auditCheckpoint, Optional<byte[]> manifestTimestamp) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CommitRequest {
        manifest = manifest.clone();
        signature = signature.clone();
        partUploads = List.copyOf(partUploads);
        manifestTimestamp = manifestTimestamp.map(byte[]::clone);
    }

    public CommitRequest(byte[] manifest, byte[] signature, List<String> partUploads) {
        this(manifest, signature, partUploads, Optional.empty());
    }

    public CommitRequest(byte[] manifest, byte[] signature, List<String> partUploads, Optional<AuditCheckpoint.Signed> auditCheckpoint) {
        this(manifest, signature, partUploads, auditCheckpoint, Optional.empty());
    }

    @Override
    public Optional<byte[]> manifestTimestamp() {
        return manifestTimestamp.map(byte[]::clone);
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public byte[] encode() {
        ObjectNode body = JSON.createObjectNode()
                .put("manifest", Base64.getEncoder().encodeToString(manifest))
                .put("signature", Base64.getEncoder().encodeToString(signature));
        var parts = body.putArray("parts");
        partUploads.forEach(parts::add);
        auditCheckpoint.ifPresent(cp -> body.putObject("auditCheckpoint")
                .put("checkpoint", Base64.getEncoder().encodeToString(cp.json()))
                .put("signature", Base64.getEncoder().encodeToString(cp.signature())));
        manifestTimestamp.ifPresent(t -> body.put("manifestTimestamp", Base64.getEncoder().encodeToString(t)));
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws FormatException naming what is missing or malformed */
    public static CommitRequest decode(byte[] body) throws FormatException {
        Json j = Json.of("commit");
        JsonNode n = Json.parse(body, "commit");
        byte[] manifest = base64(j.text(n, "manifest"), "manifest");
        byte[] signature = base64(j.text(n, "signature"), "signature");
        List<String> parts = new ArrayList<>();
        JsonNode a = j.array(n, "parts");
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw new FormatException("commit: parts[" + i + "] must be a string");
            }
            parts.add(a.get(i).asText());
        }
        Optional<AuditCheckpoint.Signed> checkpoint = Optional.empty();
        if (n.has("auditCheckpoint")) {
            JsonNode cp = j.object(n, "auditCheckpoint");
            Json cj = Json.of("commit auditCheckpoint");
            checkpoint = Optional.of(new AuditCheckpoint.Signed(base64(cj.text(cp, "checkpoint"), "auditCheckpoint.checkpoint"),
                    base64(cj.text(cp, "signature"), "auditCheckpoint.signature")));
        }
        Optional<byte[]> token = n.has("manifestTimestamp")
                ? Optional.of(base64(j.text(n, "manifestTimestamp"), "manifestTimestamp")) : Optional.empty();
        return new CommitRequest(manifest, signature, parts, checkpoint, token);
    }

    private static byte[] base64(String s, String field) throws FormatException {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new FormatException("commit: " + field + " is not base64");
        }
    }
}
