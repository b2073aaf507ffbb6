package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ManifestTest {
    private static final String H = "ab".repeat(32);

    static Manifest sample() {
        byte[] rawName = {'D', 'C', 'I', 'M', '/', (byte) 0xff, '.', 'M', 'P', '4'};
        return new Manifest("dock-01", "BWC-1", 2, null,
                new Manifest.FileFacts("DCIM/\\xff.MP4", rawName, 3000, Instant.parse("2026-12-01T10:00:00Z"), H),
                1024, List.of(new Manifest.Part(0, 0, 1024, H, H, 2000), new Manifest.Part(1, 1024, 1976, H, H, 2900)),
                List.of(new Manifest.Recipient(H, "CN=evidence", "ECDH-P384-AES256-KW")), "0.1.0",
                Instant.parse("2026-12-01T10:01:00Z"), Instant.parse("2026-12-01T10:01:02Z"), H,
                new Manifest.ClockEvidence(new Manifest.DockClock("adjtimex", true, 2000, 500),
                        new Manifest.CameraClock("device-info", -90_500L, false, 120_000, false)));
    }

    @Test
    void encodesCanonicallyAndDecodesWhatItEncoded() throws Exception {
        Manifest m = sample();
        byte[] bytes = m.encode();
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"agentVersion\":\"0.1.0\",\"auditHead\":"), "keys sorted, no whitespace: " + json);
        assertTrue(json.contains("\"pathBytesHex\":\"4443494d2fff2e4d5034\""), json);
        assertTrue(json.contains("\"officerId\":null"), json);
        Manifest back = Manifest.decode(bytes);
        assertArrayEquals(bytes, back.encode(), "decode then encode gives the signed bytes again");
        assertEquals(m.parts(), back.parts());
        assertArrayEquals(m.file().pathBytes(), back.file().pathBytes());
    }

    private static FormatException refused(String json) {
        return assertThrows(FormatException.class, () -> Manifest.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String withField(String field, String value) {
        String json = new String(sample().encode(), StandardCharsets.UTF_8);
        return json.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[0-9]+|null)", "\"" + field + "\":" + value);
    }

    @Test
    void notJson() {
        assertTrue(refused("{not json").getMessage().startsWith("manifest is not JSON"));
        assertEquals("manifest is not a JSON object", refused("[1]").getMessage());
    }

    @Test
    void eachMalformedFieldIsNamed() {
        assertEquals("manifest: version 3 is not supported (only 1 and 2)", refused(withField("version", "3")).getMessage());
        assertEquals("manifest: dockId must be a string", refused(withField("dockId", "7")).getMessage());
        assertEquals("manifest: bay must be an integer of at least 1", refused(withField("bay", "0")).getMessage());
        assertEquals("manifest: auditHead is not a SHA-256 in lowercase hex", refused(withField("auditHead", "\"x\"")).getMessage());
        assertEquals("manifest: ingestEnded is not an ISO-8601 instant", refused(withField("ingestEnded", "\"yesterday\"")).getMessage());
        assertEquals("manifest: sha256 is not a SHA-256 in lowercase hex", refused(withField("sha256", "\"AB\"")).getMessage());
        assertEquals("manifest: pathBytesHex is not hex", refused(withField("pathBytesHex", "\"zz\"")).getMessage());
        assertEquals("manifest parts[0]: ciphertextLength must be an integer of at least 1",
                refused(withField("ciphertextLength", "0")).getMessage());
        assertEquals("manifest: cameraId is missing", refused(new String(sample().encode(), StandardCharsets.UTF_8)
                .replace("\"cameraId\":\"BWC-1\",", "")).getMessage());
    }

    @Test
    void partsMustBeInOrderAndPresent() {
        String json = new String(sample().encode(), StandardCharsets.UTF_8);
        assertEquals("manifest parts[1]: index is 0", refused(json.replace("\"index\":1", "\"index\":0")).getMessage());
        assertEquals("manifest: parts is empty", refused(json.replaceFirst("\"parts\":\\[.*?\\]\\],?", "\"parts\":[],")
                .replaceFirst("\"parts\":\\[\\{.*\\}\\],\"recipients\"", "\"parts\":[],\"recipients\"")).getMessage());
    }

    @Test
    void clockEvidenceRoundTripsAndAVersionOneManifestStillReads() throws Exception {
        String json = new String(sample().encode(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"clock\":{\"camera\":{\"lowerBound\":false,\"offsetMillis\":-90500,\"skewLimitMillis\":120000,"
                + "\"skewed\":false,\"source\":\"device-info\"},\"dock\":{\"estErrorMicros\":500,\"maxErrorMicros\":2000,"
                + "\"source\":\"adjtimex\",\"synchronised\":true}}"), json);
        assertEquals(sample().clock(), Manifest.decode(sample().encode()).clock());
        String v1 = json.replaceFirst("\"clock\":\\{.*?\\}\\},", "").replace("\"version\":2", "\"version\":1");
        Manifest old = Manifest.decode(v1.getBytes(StandardCharsets.UTF_8));
        assertEquals(null, old.clock(), "stored before clock evidence existed");
        assertEquals("manifest: clock is missing", refused(json.replaceFirst("\"clock\":\\{.*?\\}\\},", "")).getMessage());
    }

    @Test
    void malformedClockFieldsAreNamed() {
        String json = new String(sample().encode(), StandardCharsets.UTF_8);
        assertEquals("manifest clock.camera: offsetMillis must be an integer or null",
                refused(json.replace("\"offsetMillis\":-90500", "\"offsetMillis\":\"-90500\"")).getMessage());
        assertEquals("manifest clock.dock: synchronised must be true or false",
                refused(json.replace("\"synchronised\":true", "\"synchronised\":1")).getMessage());
        assertEquals("manifest clock.camera: skewed is missing", refused(json.replace(",\"skewed\":false", "")).getMessage());
    }
}
