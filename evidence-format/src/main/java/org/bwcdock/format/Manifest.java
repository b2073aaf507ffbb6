package org.bwcdock.format;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the dock states about one evidence file, signed by its key (docs/manifest.md,
 * docs/manifest.schema.json). The dock encodes it; the receiver and {@code evidence open} decode
 * the very bytes that were signed. One codec, so both sides read the same fields the same way.
 *
 * @param officerId the officer assigned at ingest, or null
 * @param auditHead the dock's audit-chain head when the ingest started
 * @param clock how far the dock's and the camera's clocks can be trusted; null only in a version 1 manifest
 */
public record Manifest(String dockId, String cameraId, int bay, String officerId, FileFacts file, int partSize,
                       List<Part> parts, List<Recipient> recipients, String agentVersion, Instant ingestStarted,
                       Instant ingestEnded, String auditHead, ClockEvidence clock) {
    /** Version 2 added {@code clock}; version 1 manifests (stored before it) are still read. */
    public static final int VERSION = 2;
    public static final String FORMAT = "CMS AuthEnvelopedData";
    public static final String CONTENT_ENCRYPTION = "AES-256-GCM";

    public Manifest {
        Objects.requireNonNull(dockId, "dockId");
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(file, "file");
        parts = List.copyOf(parts);
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(ingestStarted, "ingestStarted");
        Objects.requireNonNull(ingestEnded, "ingestEnded");
        Objects.requireNonNull(auditHead, "auditHead");
    }

    /**
     * The camera file.
     *
     * @param path its name relative to the camera's root, for people (decoded as UTF-8, or escaped)
     * @param pathBytes the name's bytes exactly as the camera's filesystem holds them
     */
    public record FileFacts(String path, byte[] pathBytes, long size, Instant mtime, String sha256) {
        public FileFacts {
            Objects.requireNonNull(path, "path");
            pathBytes = pathBytes.clone();
            Objects.requireNonNull(mtime, "mtime");
            Objects.requireNonNull(sha256, "sha256");
        }

        @Override
        public byte[] pathBytes() {
            return pathBytes.clone();
        }
    }

    /** One encrypted part: its place in the file, and the hashes of its plaintext and its CMS bytes. */
    public record Part(int index, long offset, long length, String plaintextSha256, String ciphertextSha256,
                       long ciphertextLength) {
    }

    /**
     * Whom a part is encrypted for.
     *
     * @param keyId SHA-256 of the recipient's SubjectPublicKeyInfo, hex
     * @param keyTransport {@code RSA-OAEP-SHA256} or {@code ECDH-P384-AES256-KW}
     */
    public record Recipient(String keyId, String subject, String keyTransport) {
    }

    /**
     * The clocks behind the manifest's times (docs/manifest.md, "Clock evidence").
     *
     * @param dock the dock's clock discipline, read from the kernel when the manifest was made
     * @param camera the camera's clock against the dock's, measured at docking
     */
    public record ClockEvidence(DockClock dock, CameraClock camera) {
        public ClockEvidence {
            Objects.requireNonNull(dock, "dock");
            Objects.requireNonNull(camera, "camera");
        }
    }

    /**
     * The dock's clock as the kernel's NTP state has it (adjtimex(2)): what timedatectl's
     * "System clock synchronized" reports, whichever NTP daemon disciplines the clock.
     *
     * @param source {@code adjtimex}, or {@code unavailable} where the kernel could not be asked
     * @param synchronised the kernel does not flag the clock unsynchronised (STA_UNSYNC clear, state not TIME_ERROR)
     * @param maxErrorMicros the kernel's maximum error bound, microseconds; -1 where unknown
     * @param estErrorMicros the kernel's estimated error, microseconds; -1 where unknown
     */
    public record DockClock(String source, boolean synchronised, long maxErrorMicros, long estErrorMicros) {
        public DockClock {
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * The camera's clock minus the dock's, measured when the camera docked.
     *
     * @param source {@code device-info} (the camera's info file states its time), {@code file-times}
     *               (the newest footage time against the dock's: a bound only), or {@code none}
     * @param offsetMillis camera minus dock, milliseconds; null where nothing could be measured
     * @param lowerBound the camera is at least {@code offsetMillis} ahead (file times show only a camera running ahead)
     * @param skewLimitMillis the dock's limit for this camera profile
     * @param skewed the offset is beyond the limit
     */
    public record CameraClock(String source, Long offsetMillis, boolean lowerBound, long skewLimitMillis, boolean skewed) {
        public CameraClock {
            Objects.requireNonNull(source, "source");
        }

        public static CameraClock unmeasured(long skewLimitMillis) {
            return new CameraClock("none", null, false, skewLimitMillis, false);
        }
    }

    /** Canonical JSON (docs/manifest.md): the bytes that are signed and hashed. */
    public byte[] encode() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("path", file.path());
        f.put("pathBytesHex", HexFormat.of().formatHex(file.pathBytes()));
        f.put("size", file.size());
        f.put("mtime", file.mtime().toString());
        f.put("sha256", file.sha256());
        List<Map<String, Object>> partList = new ArrayList<>();
        for (Part p : parts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("offset", p.offset());
            m.put("length", p.length());
            m.put("plaintextSha256", p.plaintextSha256());
            m.put("ciphertextSha256", p.ciphertextSha256());
            m.put("ciphertextLength", p.ciphertextLength());
            partList.add(m);
        }
        List<Map<String, Object>> recipientList = new ArrayList<>();
        for (Recipient r : recipients) {
            recipientList.add(Map.of("keyId", r.keyId(), "subject", r.subject(), "keyTransport", r.keyTransport()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        m.put("dockId", dockId);
        m.put("cameraId", cameraId);
        m.put("bay", bay);
        m.put("officerId", officerId);
        m.put("file", f);
        m.put("partSize", partSize);
        m.put("parts", partList);
        m.put("encryption", Map.of("format", FORMAT, "contentEncryption", CONTENT_ENCRYPTION));
        m.put("recipients", recipientList);
        m.put("agentVersion", agentVersion);
        m.put("ingestStarted", ingestStarted.toString());
        m.put("ingestEnded", ingestEnded.toString());
        m.put("auditHead", auditHead);
        if (clock != null) {
            Map<String, Object> dock = new LinkedHashMap<>();
            dock.put("source", clock.dock().source());
            dock.put("synchronised", clock.dock().synchronised());
            dock.put("maxErrorMicros", clock.dock().maxErrorMicros());
            dock.put("estErrorMicros", clock.dock().estErrorMicros());
            Map<String, Object> camera = new LinkedHashMap<>();
            camera.put("source", clock.camera().source());
            camera.put("offsetMillis", clock.camera().offsetMillis());
            camera.put("lowerBound", clock.camera().lowerBound());
            camera.put("skewLimitMillis", clock.camera().skewLimitMillis());
            camera.put("skewed", clock.camera().skewed());
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("dock", dock);
            c.put("camera", camera);
            m.put("clock", c);
        }
        return CanonicalJson.encode(m);
    }

    /**
     * Reads manifest bytes (normally after their signature verified).
     *
     * @throws FormatException naming the first field that is missing or malformed
     */
    public static Manifest decode(byte[] bytes) throws FormatException {
        Json j = Json.of("manifest");
        JsonNode m = Json.parse(bytes, "manifest");
        long version = j.integer(m, "version", 1);
        if (version != 1 && version != VERSION) {
            throw new FormatException("manifest: version " + version + " is not supported (only 1 and " + VERSION + ")");
        }
        JsonNode f = j.object(m, "file");
        FileFacts file = new FileFacts(j.text(f, "path"), j.hex(f, "pathBytesHex"), j.integer(f, "size", 0),
                j.instant(f, "mtime"), j.sha256(f, "sha256"));
        List<Part> parts = new ArrayList<>();
        JsonNode ps = j.array(m, "parts");
        if (ps.isEmpty()) {
            throw new FormatException("manifest: parts is empty");
        }
        for (int i = 0; i < ps.size(); i++) {
            JsonNode p = ps.get(i);
            Json pj = Json.of("manifest parts[" + i + "]");
            long index = pj.integer(p, "index", 0);
            if (index != i) {
                throw new FormatException("manifest parts[" + i + "]: index is " + index);
            }
            parts.add(new Part(i, pj.integer(p, "offset", 0), pj.integer(p, "length", 0), pj.sha256(p, "plaintextSha256"),
                    pj.sha256(p, "ciphertextSha256"), pj.integer(p, "ciphertextLength", 1)));
        }
        List<Recipient> recipients = new ArrayList<>();
        JsonNode rs = j.array(m, "recipients");
        for (int i = 0; i < rs.size(); i++) {
            Json rj = Json.of("manifest recipients[" + i + "]");
            recipients.add(new Recipient(rj.sha256(rs.get(i), "keyId"), rj.text(rs.get(i), "subject"),
                    rj.text(rs.get(i), "keyTransport")));
        }
        long bay = j.integer(m, "bay", 1);
        long partSize = j.integer(m, "partSize", 1);
        if (bay > Integer.MAX_VALUE || partSize > Integer.MAX_VALUE) {
            throw new FormatException("manifest: bay or partSize out of range");
        }
        return new Manifest(j.text(m, "dockId"), j.text(m, "cameraId"), (int) bay, j.textOrNull(m, "officerId"), file,
                (int) partSize, parts, recipients, j.text(m, "agentVersion"), j.instant(m, "ingestStarted"),
                j.instant(m, "ingestEnded"), j.sha256(m, "auditHead"), version == 1 ? null : clock(j.object(m, "clock")));
    }

    private static ClockEvidence clock(JsonNode c) throws FormatException {
        Json dj = Json.of("manifest clock.dock");
        JsonNode d = dj.object(c, "dock");
        DockClock dock = new DockClock(dj.text(d, "source"), dj.bool(d, "synchronised"), dj.integer(d, "maxErrorMicros", -1),
                dj.integer(d, "estErrorMicros", -1));
        Json cj = Json.of("manifest clock.camera");
        JsonNode cam = cj.object(c, "camera");
        CameraClock camera = new CameraClock(cj.text(cam, "source"), cj.integerOrNull(cam, "offsetMillis"),
                cj.bool(cam, "lowerBound"), cj.integer(cam, "skewLimitMillis", 0), cj.bool(cam, "skewed"));
        return new ClockEvidence(dock, camera);
    }
}
