package org.bwcdock.agent;

import org.bwcdock.agent.config.InvalidConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check-config} and {@code run} give the same verdict on every file: each invalid config
 * goes to both commands, which must refuse it with the same problems (run before starting
 * anything); a valid one passes both.
 */
@Timeout(60)
class CheckConfigMatchesRunTest {
    @TempDir
    Path dir;

    private record Verdict(int code, String out, List<String> problems) {
    }

    private static Verdict cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        // The problem lines: "  key: message" under "FILE: N problem(s)".
        List<String> problems = Arrays.stream(err.toString().split("\n")).filter(l -> l.startsWith("  ")).map(String::strip).toList();
        return new Verdict(code, out.toString(), problems);
    }

    private static void sameVerdict(Path config, String expected) {
        Verdict check = cli("check-config", config.toString());
        Verdict run = cli("run", "--config", config.toString(), "--run-for", "0");
        assertNotEquals(0, check.code(), "check-config accepted it: " + check.out());
        assertNotEquals(0, run.code(), "run accepted it");
        assertEquals(check.problems(), run.problems(), "check-config and run name different problems");
        assertTrue(check.problems().stream().anyMatch(p -> p.contains(expected)),
                () -> "expected a problem like <" + expected + "> but got " + check.problems());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bwcdock.agent.config.InvalidConfigs#cases")
    void everyInvalidConfigIsRefusedByBothCommandsAlike(String name, String toml, String expected) throws Exception {
        InvalidConfigs.writeFiles(dir);
        Path config = Files.writeString(dir.resolve("agent.toml"), toml);
        sameVerdict(config, expected.replace("%DIR%", dir.toString()));
    }

    /** The case of the issue: check-config said ok, run threw IllegalArgumentException, even without hardware. */
    @Test
    void aReservedPinIsRefusedByBothEvenWithoutHardware() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("usbPort = \"1-1.2\"",
                "usbPort = \"1-1.2\"\nleds = { green = 2, amber = 6, red = 13 }\nbatteryGauge = { bus = 31, address = 0x03 }"));
        assertTrue(Files.readString(config).contains("hardware = \"none\""));
        sameVerdict(config, "bays[2].leds.green: GPIO 2 is I2C1 SDA");
        assertTrue(cli("check-config", config.toString()).problems().containsAll(List.of(
                "bays[2].batteryGauge.bus: I2C bus 31 does not exist (0..22)",
                "bays[2].batteryGauge.address: I2C address 0x3 is reserved or out of range (0x08..0x77)")));
    }

    /** An installed dock has no simulated chips: both commands refuse hardware = "simulated" alike. */
    @Test
    void simulatedHardwareIsRefusedByBothOnADock() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("hardware = \"none\"", "hardware = \"simulated\""));
        sameVerdict(config, "hardware: \"simulated\" runs on simulated chips, which only the sandbox and tests supply");
    }

    /** A file that exists but holds no certificate: run would fail to start, so check-config says so first. */
    @Test
    void aCertificateThatDoesNotParseIsRefusedByBoth() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(dir.resolve("pki/evidence.pem"), "not a certificate\n");
        sameVerdict(config, "evidence.recipients: " + dir.resolve("pki/evidence.pem") + ": contains no certificate");
    }

    /** The edges of every wiring rule pass both: check-config says ok, and run starts and stops. */
    @Test
    void aValidConfigPassesBoth() throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("usbPort = \"1-1.2\"",
                "usbPort = \"1-1.2\"\nleds = { green = 0, amber = 27, red = 12 }\nbatteryGauge = { bus = 22, address = 0x77 }"));
        Verdict check = cli("check-config", config.toString());
        assertEquals(0, check.code(), check.problems()::toString);
        assertTrue(check.out().contains("bay 2: USB port 1-1.2, LEDs on GPIO 0/27/12, gauge max17048 on i2c-22@0x77"), check.out());
        Verdict run = cli("run", "--config", config.toString(), "--run-for", "0");
        assertEquals(0, run.code(), run.problems()::toString);
    }
}
