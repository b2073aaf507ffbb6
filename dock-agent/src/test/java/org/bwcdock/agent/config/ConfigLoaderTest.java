package org.bwcdock.agent.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ConfigLoaderTest {
    @TempDir
    Path dir;

    static final String VALID = InvalidConfigs.VALID;

    @BeforeEach
    void files() throws Exception {
        InvalidConfigs.writeFiles(dir);
    }

    private Path write(String toml) throws IOException {
        return Files.writeString(dir.resolve("agent.toml"), toml);
    }

    @Test
    void validConfigLoadsIntoRecords() throws Exception {
        AgentConfig c = ConfigLoader.load(write(VALID));
        assertEquals("dock-7", c.dockId());
        assertEquals(AgentConfig.Hardware.PI4J, c.hardware());
        assertEquals(dir.resolve("state"), c.stateDirectory());
        assertEquals(8 << 20, c.spool().partSizeBytes());
        assertEquals(Math.min(64, Runtime.getRuntime().availableProcessors()), c.spool().encryptThreads(), "default: one per processor");
        assertEquals(1L << 30, c.spool().quotaBytes());
        assertEquals(2, c.bays().size());
        assertEquals("1-1.2", c.bays().get(1).usbPort());
        assertEquals(13, c.bays().get(1).leds().orElseThrow().red());
        assertTrue(c.bays().get(0).leds().isEmpty());
        assertEquals(Duration.ofSeconds(30), c.usb().rescanInterval());
        assertEquals("mqtt.example", c.mqtt().orElseThrow().brokers().get(0).getHost());
        assertEquals(dir.resolve("recipient.pem"), c.evidence().recipients().get(0));
        assertTrue(c.policy().wipeAfterReceipt());
    }

    @Test
    void uploadWindowsLoadInTheirOrderWithTheirRates() throws Exception {
        AgentConfig c = ConfigLoader.load(write(VALID
                + "\n[[evidence.windows]]\nfrom = \"07:00\"\nto = \"19:00\"\nrate = \"5 MB\"\n"
                + "\n[[evidence.windows]]\nfrom = \"22:00\"\nto = \"05:30\"\nrate = \"0\"\n"));
        assertEquals(java.util.List.of(
                new org.bwcdock.agent.upload.UploadWindow(java.time.LocalTime.of(7, 0), java.time.LocalTime.of(19, 0), 5_000_000),
                new org.bwcdock.agent.upload.UploadWindow(java.time.LocalTime.of(22, 0), java.time.LocalTime.of(5, 30), 0)),
                c.evidence().windows());
        assertTrue(c.evidence().windows().get(1).contains(java.time.LocalTime.of(1, 0)), "22:00-05:30 spans midnight");
        assertTrue(!c.evidence().windows().get(1).contains(java.time.LocalTime.of(5, 30)), "the end is not in the window");
    }

    @Test
    void theTsaLoadsWithItsCaAndDefaults() throws Exception {
        AgentConfig c = ConfigLoader.load(write(VALID
                + "\n[evidence.tsa]\nurl = \"https://tsa.example/tsa\"\ncaCertificates = \"ca.pem\"\npolicy = \"1.2.3.4\"\n"));
        AgentConfig.Tsa tsa = c.evidence().tsa().orElseThrow();
        assertEquals("https://tsa.example/tsa", tsa.url().toString());
        assertEquals(1, tsa.caCertificates().size());
        assertEquals(java.util.Optional.of("1.2.3.4"), tsa.policy());
        assertEquals(Defaults.TSA_RETRY_INTERVAL, tsa.retryInterval());
        assertTrue(ConfigLoader.load(write(VALID)).evidence().tsa().isEmpty(), "no [evidence.tsa]: no trusted time");
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bwcdock.agent.config.InvalidConfigs#cases")
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
                .replace("hardware = \"pi4j\"", "hardware = \"arduino\"");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(toml)));
        assertEquals(3, e.problems().size(), e.problems()::toString);
    }

    @Test
    void missingFileIsOneClearProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.toml")));
        assertEquals("file not found", e.problems().get(0));
    }
}
