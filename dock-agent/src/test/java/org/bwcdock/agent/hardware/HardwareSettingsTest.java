package org.bwcdock.agent.hardware;

import org.bwcdock.agent.config.AgentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One invalid input per assertion; each message names what is wrong. */
@Timeout(10)
class HardwareSettingsTest {
    private static final HardwareSettings.SpiAddress SPI = new HardwareSettings.SpiAddress(0, 0, 1_000_000);

    private static HardwareSettings with(List<HardwareSettings.BayWiring> bays, Map<String, String> badges, int min, Duration d) {
        return new HardwareSettings(AgentConfig.Hardware.SIMULATED, bays, badges, min, SPI, d, d, d, d, d, Optional.empty());
    }

    private static HardwareSettings.BayWiring bay(int n, int g, int a, int r) {
        return new HardwareSettings.BayWiring(n, Optional.of(new HardwareSettings.Leds(g, a, r)), Optional.empty());
    }

    private static void rejects(String expected, Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(expected), "message \"" + e.getMessage() + "\" should contain \"" + expected + "\"");
    }

    @Test
    void rejectsEachInvalidInput() {
        Duration s = Duration.ofSeconds(1);
        rejects("bays[2].leds.green: GPIO 9 is SPI0 MISO", () -> with(List.of(bay(2, 9, 6, 13)), Map.of(), 50, s));
        rejects("bays[2].leds.red: GPIO 13 is already bays[1].leds.red",
                () -> with(List.of(bay(1, 5, 6, 13), bay(2, 19, 26, 13)), Map.of(), 50, s));
        rejects("must be on different GPIOs", () -> new HardwareSettings.Leds(5, 5, 6));
        rejects("not a BCM GPIO", () -> new HardwareSettings.Leds(5, 6, 40));
        rejects("bay 1 is wired twice", () -> with(List.of(bay(1, 5, 6, 13), bay(1, 19, 26, 12)), Map.of(), 50, s));
        rejects("bays[2].batteryGauge.address: i2c-1 address 0x36 is already bays[1].batteryGauge", () -> with(List.of(
                new HardwareSettings.BayWiring(1, Optional.empty(), Optional.of(new HardwareSettings.GaugeAddress(1, 0x36))),
                new HardwareSettings.BayWiring(2, Optional.empty(), Optional.of(new HardwareSettings.GaugeAddress(1, 0x36)))),
                Map.of(), 50, s));
        rejects("I2C address 0x78 is reserved", () -> new HardwareSettings.GaugeAddress(1, 0x78));
        rejects("badges: \"XYZ\" is not a badge UID", () -> with(List.of(), Map.of("xyz", "o-1"), 50, s));
        rejects("badges: 04A1B2C3 has no officer id", () -> with(List.of(), Map.of("04a1b2c3", " "), 50, s));
        rejects("minimumBatteryPercent must be 0..100, not 101", () -> with(List.of(), Map.of(), 101, s));
        rejects("blinkInterval must be a positive duration", () -> with(List.of(), Map.of(), 50, Duration.ZERO));
        rejects("SPI chip select 3", () -> new HardwareSettings.SpiAddress(0, 3, 1_000_000));
        rejects("reportedBatteryPercent must be 0..100", () -> org.bwcdock.agent.events.BayView.docked(1, "C", java.time.Instant.EPOCH,
                java.util.OptionalInt.of(101)));
    }

    @Test
    void badgeUidsAreNormalisedToUpperCase() {
        HardwareSettings h = with(List.of(), Map.of("04a1b2c3", "officer-7"), 80, Duration.ofSeconds(1));
        assertEquals(Map.of("04A1B2C3", "officer-7"), h.badges());
    }
}
