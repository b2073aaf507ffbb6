package org.bwcdock.agent.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    /** A minimal valid config; each invalid case edits one thing in it. */
    static final String VALID = """
            dockId = "dock-7"
            hardware = "simulated"
            stateDirectory = "state"

            [identity]
            certificate = "dock.crt"
            privateKey = "dock.key"

            [spool]
            directory = "spool"
            quota = "1 GiB"
            partSize = "8 MiB"

            [[bays]]
            number = 1
            usbPort = "1-1.1"

            [[bays]]
            number = 2
            usbPort = "1-1.2"
            leds = { green = 5, amber = 6, red = 13 }

            [[cameraProfiles]]
            name = "generic"
            usbIds = ["2a3b:0001"]
            footage = ["DCIM/**/*.MP4"]

            [mqtt]
            brokers = ["ssl://mqtt.example:8883"]
            trustAnchors = "ca.pem"

            [evidence]
            url = "https://evidence.example/uploads/"
            trustAnchors = "ca.pem"
            recipients = ["recipient.pem"]
            receiptSigners = "ca.pem"
            """;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("dock.crt"), "-----BEGIN CERTIFICATE-----\n");
        // The recipients and receipt signers are read and checked for their roles at load: real ones.
        org.bwcdock.testing.ThrowawayPki pki = new org.bwcdock.testing.ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        Files.copy(pki.caFile(), dir.resolve("ca.pem"));
        Files.copy(pki.issue("recipient", org.bwcdock.testing.ThrowawayPki.Kind.EC, org.bwcdock.testing.ThrowawayPki.Use.RECIPIENT)
                .certFile(), dir.resolve("recipient.pem"));
        Path key = Files.writeString(dir.resolve("dock.key"), "-----BEGIN PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private Path write(String toml) throws IOException {
        return Files.writeString(dir.resolve("agent.toml"), toml);
    }

    @Test
    void validConfigLoadsIntoRecords() throws Exception {
        AgentConfig c = ConfigLoader.load(write(VALID));
        assertEquals("dock-7", c.dockId());
        assertEquals(AgentConfig.Hardware.SIMULATED, c.hardware());
        assertEquals(dir.resolve("state"), c.stateDirectory());
        assertEquals(8 << 20, c.spool().partSizeBytes());
        assertEquals(1L << 30, c.spool().quotaBytes());
        assertEquals(2, c.bays().size());
        assertEquals("1-1.2", c.bays().get(1).usbPort());
        assertEquals(13, c.bays().get(1).leds().orElseThrow().red());
        assertTrue(c.bays().get(0).leds().isEmpty());
        assertEquals(Duration.ofSeconds(30), c.usb().rescanInterval());
        assertEquals("mqtt.example", c.mqtt().orElseThrow().brokers().get(0).getHost());
        assertEquals(dir.resolve("recipient.pem"), c.evidence().orElseThrow().recipients().get(0));
        assertTrue(c.policy().wipeAfterReceipt());
    }

    @Test
    void mqttIsOptionalEvidenceIsNot() throws Exception {
        String noMqtt = VALID.replace("[mqtt]\nbrokers = [\"ssl://mqtt.example:8883\"]\ntrustAnchors = \"ca.pem\"\n", "");
        AgentConfig c = ConfigLoader.load(write(noMqtt));
        assertTrue(c.mqtt().isEmpty());
        String noEvidence = VALID.substring(0, VALID.indexOf("[evidence]"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(noEvidence)));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("evidence: missing")), e.problems()::toString);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("bad usb port", VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"x\""),
                        "bays[1].usbPort: \"x\" is not a USB port path like 1-1.2"),
                Arguments.of("duplicate bay number", VALID.replace("number = 2", "number = 1"),
                        "bays[1].number: 1 is already used by bays[0].number"),
                Arguments.of("duplicate usb port", VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"1-1.1\""),
                        "bays[1].usbPort: \"1-1.1\" is already used by bays[0].usbPort"),
                Arguments.of("bay number out of range", VALID.replace("number = 2", "number = 99"),
                        "bays[1].number: 99 is out of range 1..64"),
                Arguments.of("unknown top-level key", VALID.replace("hardware = \"simulated\"", "hardware = \"simulated\"\ncolour = \"blue\""),
                        "colour: unknown key"),
                Arguments.of("unknown nested key", VALID.replace("quota = \"1 GiB\"", "quota = \"1 GiB\"\nquotta = 3"),
                        "spool.quotta: unknown key"),
                Arguments.of("missing dock id", VALID.replace("dockId = \"dock-7\"\n", ""),
                        "dockId: missing (required)"),
                Arguments.of("dock id with a topic wildcard", VALID.replace("dock-7", "dock/+"),
                        "dockId: \"dock/+\" is not a dock id"),
                Arguments.of("bad size", VALID.replace("quota = \"1 GiB\"", "quota = \"lots\""),
                        "spool.quota: \"lots\" is not a size like \"64 MiB\""),
                Arguments.of("part larger than quota", VALID.replace("partSize = \"8 MiB\"", "partSize = \"1 GiB\"").replace("quota = \"1 GiB\"", "quota = \"16 MiB\""),
                        "spool.partSize: 1073741824 bytes is larger than spool.quota"),
                Arguments.of("wrong type", VALID.replace("number = 2", "number = \"two\""),
                        "bays[1].number: must be an integer, not the string \"two\""),
                Arguments.of("unknown hardware", VALID.replace("hardware = \"simulated\"", "hardware = \"arduino\""),
                        "hardware: \"arduino\" is not one of pi4j, simulated, none"),
                Arguments.of("bad usb id", VALID.replace("2a3b:0001", "2A3B-1"),
                        "cameraProfiles[0].usbIds: \"2A3B-1\" is not a USB id"),
                Arguments.of("footage escaping the volume", VALID.replace("DCIM/**/*.MP4", "../etc/*"),
                        "cameraProfiles[0].footage: \"../etc/*\" must be a path inside the camera volume"),
                Arguments.of("device-info without its file", VALID.replace("footage = [", "cameraId = \"device-info\"\nfootage = ["),
                        "cameraProfiles[0].deviceInfoFile: missing (required when cameraId = \"device-info\")"),
                Arguments.of("plain mqtt off loopback", VALID.replace("ssl://mqtt.example:8883", "tcp://mqtt.example:1883"),
                        "mqtt.brokers: \"tcp://mqtt.example:1883\" is not encrypted: use ssl://"),
                Arguments.of("plain http off loopback", VALID.replace("https://evidence.example", "http://evidence.example"),
                        "evidence.url: \"http://evidence.example/uploads/\" is not encrypted: use https://"),
                Arguments.of("missing recipient file", VALID.replace("recipients = [\"recipient.pem\"]", "recipients = [\"nobody.pem\"]"),
                        "evidence.recipients: " + "%DIR%/nobody.pem does not exist"),
                Arguments.of("bad duration", VALID.replace("[mqtt]", "[mqtt]\nkeepAlive = \"often\""),
                        "mqtt.keepAlive: \"often\" is not a duration"),
                Arguments.of("same gpio twice", VALID.replace("red = 13", "red = 5"),
                        "bays[1].leds.red: GPIO 5 is used twice"),
                Arguments.of("no bays", VALID.replace("[[bays]]\nnumber = 1\nusbPort = \"1-1.1\"\n\n[[bays]]\nnumber = 2\nusbPort = \"1-1.2\"\nleds = { green = 5, amber = 6, red = 13 }\n", ""),
                        "bays: missing (required: at least one [[bays]] table)"),
                Arguments.of("bad badge uid", VALID + "\n[badges]\n\"zz\" = \"officer-1\"\n",
                        "badges.zz: is not a badge UID"),
                Arguments.of("not toml", "dockId = \"unterminated\n",
                        "line 1: not valid TOML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidConfigNamesItsKey(String name, String toml, String expected) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(toml)));
        String want = expected.replace("%DIR%", dir.toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(want) || p.contains(want)),
                () -> "expected a problem like <" + want + "> but got " + e.problems());
    }

    @Test
    void privateKeyReadableByOthersIsRefused() throws IOException {
        Files.setPosixFilePermissions(dir.resolve("dock.key"), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(VALID)));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("identity.privateKey: ") && p.contains("must be 0600")),
                e.problems()::toString);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        String toml = VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"x\"")
                .replace("quota = \"1 GiB\"", "quota = \"lots\"")
                .replace("hardware = \"simulated\"", "hardware = \"arduino\"");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(toml)));
        assertEquals(3, e.problems().size(), e.problems()::toString);
    }

    @Test
    void missingFileIsOneClearProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.toml")));
        assertEquals("file not found", e.problems().get(0));
    }
}
