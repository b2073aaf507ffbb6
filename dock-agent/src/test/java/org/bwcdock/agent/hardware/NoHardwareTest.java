package org.bwcdock.agent.hardware;

import org.bwcdock.agent.TestConfigs;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.simulation.SimulatedBoard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hardware = "none" from a real config file: no Pi4J context, no threads, everything else answers. */
@Timeout(30)
class NoHardwareTest {
    @TempDir
    Path dir;

    @Test
    void noneGivesNoOpPartsWithoutPi4j() throws Exception {
        AgentConfig config = ConfigLoader.load(TestConfigs.minimal(dir));
        assertEquals(AgentConfig.Hardware.NONE, config.hardware());
        Files.createDirectories(config.stateDirectory());
        TestDock dock = new TestDock();
        try (Ledger ledger = Ledgers.open(config.ledgerFile(), Clock.systemUTC());
             DockHardware hw = DockHardware.create(HardwareSettings.from(config), ledger, dock, Clock.systemUTC())) {
            assertTrue(hw.pi4j().isEmpty(), "no Pi4J context");
            assertFalse(TestDock.hardwareThreadsAlive(), "no hardware threads");

            TestDock.fileIn(ledger, "CAM-1", "DCIM/a.mp4", FileState.FAILED);
            dock.dock(1, "CAM-1", Instant.now(), OptionalInt.of(64));
            hw.indicators().refresh(1);
            hw.indicators().refreshAll();
            hw.indicators().locate(1, Duration.ofSeconds(1));
            assertEquals(BayLight.OFF, hw.indicators().light(1));
            assertEquals(TapResult.Outcome.IGNORED, hw.badges().tapped("04A1B2C3").outcome());
            hw.badges().undocked(1, "CAM-1");
            assertTrue(hw.badges().pendingPickup(1).isEmpty());

            BatteryReading r = hw.gauges().reading(1);
            assertEquals(BatteryReading.Source.CAMERA, r.source(), "the camera's own level still reaches bay state");
            assertEquals(64, r.roundedPercent());
            BaySituation s = hw.situation(1);
            assertEquals(1, s.filesInError());
            assertEquals(BayLight.ERROR, BayLight.lightFor(s), "the derivation works without lights");
            assertEquals(0, ledger.pendingEvents(100).stream().filter(e -> e.type().startsWith("badge")).count());
        }
        assertFalse(TestDock.hardwareThreadsAlive());
    }

    @Test
    void simulatedFromConfigDrivesTheExampleWiring() throws Exception {
        SimulatedBoard board = new SimulatedBoard();
        Path file = TestConfigs.minimal(dir);
        Files.writeString(file, Files.readString(file).replace("hardware = \"none\"", "hardware = \"simulated\"")
                .replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nleds = { green = 5, amber = 6, red = 13 }\nbatteryGauge = { bus = 1, address = 0x36 }"));
        AgentConfig config = ConfigLoader.load(file);
        Files.createDirectories(config.stateDirectory());
        TestDock dock = new TestDock();
        try (Ledger ledger = Ledgers.open(config.ledgerFile(), Clock.systemUTC());
             DockHardware hw = DockHardware.create(HardwareSettings.from(config), Optional.of(board), ledger, dock,
                     Clock.systemUTC())) {
            assertTrue(hw.pi4j().isPresent());
            TestDock.fileIn(ledger, "CAM-1", "DCIM/a.mp4", FileState.QUARANTINED);
            dock.dock(1, "CAM-1", Instant.now());
            hw.indicators().refresh(1);
            assertEquals("--R", TestDock.leds(hw, 1));
            assertEquals(Optional.of(true), board.led(13));
        }
        assertFalse(TestDock.hardwareThreadsAlive());
    }

    /** A dock has no simulated chips: asked for them, the hardware says which setting is wrong, and starts nothing. */
    @Test
    void simulatedWithoutSimulatedChipsIsRefused() throws Exception {
        Path file = TestConfigs.minimal(dir);
        Files.writeString(file, Files.readString(file).replace("hardware = \"none\"", "hardware = \"simulated\""));
        AgentConfig config = ConfigLoader.load(file);
        Files.createDirectories(config.stateDirectory());
        try (Ledger ledger = Ledgers.open(config.ledgerFile(), Clock.systemUTC())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DockHardware.create(HardwareSettings.from(config), ledger, new TestDock(), Clock.systemUTC()));
            assertTrue(e.getMessage().startsWith("hardware: \"simulated\" runs on simulated chips"), e.getMessage());
        }
        assertFalse(TestDock.hardwareThreadsAlive());
    }
}
