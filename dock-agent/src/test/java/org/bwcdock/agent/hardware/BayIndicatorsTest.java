package org.bwcdock.agent.hardware;

import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.simulation.SimulatedBoard;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.bwcdock.agent.hardware.TestDock.await;
import static org.bwcdock.agent.hardware.TestDock.awaitLeds;
import static org.bwcdock.agent.hardware.TestDock.fileIn;
import static org.bwcdock.agent.hardware.TestDock.leds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Bay LEDs (Pi4J mock outputs) follow what the real SQLite ledger says about the docked camera. */
@Timeout(30)
class BayIndicatorsTest {
    private final SimulatedBoard board = new SimulatedBoard();

    @TempDir
    Path dir;
    private Ledger ledger;
    private final TestDock dock = new TestDock();
    private DockHardware hw;

    @BeforeEach
    void start() {
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
        hw = DockHardware.create(TestDock.settings(Map.of(), 50), Optional.of(board), ledger, dock, Clock.systemUTC());
        board.setGauge(1, 100.0, 4.2);
        board.setGauge(2, 100.0, 4.2);
        board.setGauge(3, 100.0, 4.2);
        // The first poll may have read the chips' power-on 75.5 %; start each test from full batteries.
        await("gauges full", Duration.ofSeconds(5), () -> hw.gauges().readings().stream()
                .allMatch(r -> r.status() == ChargeStatus.FULL));
    }

    @AfterEach
    void stop() {
        hw.close();
        ledger.close();
    }

    /** Bay-port lockdown: no camera, but the bay's view says LOCKED; the light blinks red until the device is gone. */
    @Test
    void aLockedBayPortBlinksRed() {
        dock.cameras.add(BayView.empty(2).withPhase(BayPhase.LOCKED, "USB device de-authorised"));
        hw.indicators().refresh(2);
        assertEquals(BayLight.LOCKED, hw.indicators().light(2));
        awaitLeds(hw, 2, "--R");
        awaitLeds(hw, 2, "---");
        awaitLeds(hw, 2, "--R");
        assertEquals("---", leds(hw, 1), "other bays untouched");
        dock.cameras.removeIf(v -> v.bay() == 2);
        hw.indicators().refresh(2);
        assertEquals(BayLight.OFF, hw.indicators().light(2));
    }

    @Test
    void emptyBayIsDark() {
        hw.indicators().refreshAll();
        for (int bay = 1; bay <= 3; bay++) {
            assertEquals("---", leds(hw, bay));
            assertEquals(BayLight.OFF, hw.indicators().light(bay));
        }
    }

    @ParameterizedTest
    @EnumSource(value = FileState.class, names = {"DISCOVERED", "INGESTING", "INGESTED", "UPLOADING", "UPLOADED"})
    void evidenceNotYetReceiptedShowsAmber(FileState state) {
        fileIn(ledger, "BWC-1", "DCIM/a.mp4", FileState.RECEIPTED);
        fileIn(ledger, "BWC-1", "DCIM/b.mp4", state);
        dock.dock(1, "BWC-1", Instant.now());
        hw.indicators().refresh(1);
        assertEquals("-A-", leds(hw, 1));
        assertEquals(BayLight.WORKING, hw.indicators().light(1));
        assertEquals("---", leds(hw, 2), "other bays untouched");
    }

    @ParameterizedTest
    @EnumSource(value = FileState.class, names = {"FAILED", "QUARANTINED"})
    void failedOrQuarantinedEvidenceShowsRed(FileState state) {
        fileIn(ledger, "BWC-2", "DCIM/a.mp4", FileState.UPLOADING);
        fileIn(ledger, "BWC-2", "DCIM/b.mp4", state);
        dock.dock(2, "BWC-2", Instant.now());
        hw.indicators().refresh(2);
        assertEquals("--R", leds(hw, 2));
        assertEquals(BayLight.ERROR, hw.indicators().light(2));
    }

    /** The rest secured, one file the camera would not let be read: amber blinking, through the real GPIO path. */
    @org.junit.jupiter.api.Test
    void aRefusedFileLeftOnTheCameraBlinksAmber() {
        fileIn(ledger, "BWC-3", "DCIM/a.mp4", FileState.RELEASED);
        fileIn(ledger, "BWC-3", "DCIM/b.mp4", FileState.REFUSED);
        dock.dock(3, "BWC-3", Instant.now());
        hw.indicators().refresh(3);
        assertEquals(BayLight.FILES_LEFT, hw.indicators().light(3));
        awaitLeds(hw, 3, "-A-");
        awaitLeds(hw, 3, "---");
    }

    @ParameterizedTest
    @EnumSource(value = FileState.class, names = {"RECEIPTED", "RELEASED"})
    void receiptedAndChargedShowsGreen(FileState state) {
        fileIn(ledger, "BWC-3", "DCIM/a.mp4", FileState.RECEIPTED);
        fileIn(ledger, "BWC-3", "DCIM/b.mp4", state);
        dock.dock(3, "BWC-3", Instant.now());
        hw.indicators().refresh(3);
        assertEquals("G--", leds(hw, 3));
        assertEquals(BayLight.SAFE, hw.indicators().light(3));
    }

    @Test
    void receiptedButStillChargingShowsGreenAndAmberThenGreenWhenFull() {
        board.setGauge(1, 62.0, 3.9);
        fileIn(ledger, "BWC-4", "DCIM/a.mp4", FileState.RECEIPTED);
        dock.dock(1, "BWC-4", Instant.now());
        await("gauge at 62 %", Duration.ofSeconds(5), () -> hw.gauges().reading(1).roundedPercent() == 62);
        hw.indicators().refresh(1);
        assertEquals("GA-", leds(hw, 1));
        // The gauge poller refreshes the light itself when the battery becomes full.
        board.setGauge(1, 99.6, 4.19);
        awaitLeds(hw, 1, "G--");
    }

    @Test
    void lightFollowsTheLedgerThroughACameraLife() {
        long f = fileIn(ledger, "BWC-5", "DCIM/a.mp4", FileState.DISCOVERED);
        dock.dock(2, "BWC-5", Instant.now());
        hw.indicators().refresh(2);
        assertEquals("-A-", leds(hw, 2));
        ledger.transition(f, FileState.DISCOVERED, FileState.INGESTING, null);
        ledger.recordIngest(f, "cd".repeat(32), java.util.List.of(), new byte[]{1}, new byte[]{2});
        ledger.transition(f, FileState.INGESTED, FileState.UPLOADING, null);
        ledger.transition(f, FileState.UPLOADING, FileState.UPLOADED, null);
        hw.indicators().refresh(2);
        assertEquals("-A-", leds(hw, 2));
        ledger.recordReceipt(f, new byte[]{7});
        assertEquals("-A-", leds(hw, 2), "nothing changes until the supervisor refreshes");
        hw.indicators().refresh(2);
        assertEquals("G--", leds(hw, 2));
        dock.undock(2);
        hw.indicators().refresh(2);
        assertEquals("---", leds(hw, 2));
    }

    @Test
    void locateBlinksGreenThenEnds() {
        fileIn(ledger, "BWC-6", "DCIM/a.mp4", FileState.UPLOADING);
        dock.dock(1, "BWC-6", Instant.now());
        hw.indicators().locate(1, Duration.ofSeconds(2));
        assertEquals(BayLight.LOCATE, hw.indicators().light(1));
        awaitLeds(hw, 1, "G--");
        awaitLeds(hw, 1, "---");
        awaitLeds(hw, 1, "G--");
        // After the locate time the derived light returns on its own.
        awaitLeds(hw, 1, "-A-");
        assertEquals(BayLight.WORKING, hw.indicators().light(1));
    }

    @Test
    void closeTurnsLedsOffAndStopsThreads() {
        fileIn(ledger, "BWC-7", "DCIM/a.mp4", FileState.FAILED);
        dock.dock(3, "BWC-7", Instant.now());
        hw.indicators().refresh(3);
        assertEquals("--R", leds(hw, 3));
        var red = TestDock.output(hw, 21);
        hw.close();
        assertFalse(red.isHigh(), "LEDs are switched off on close");
        await("threads stopped", Duration.ofSeconds(5), () -> !TestDock.hardwareThreadsAlive());
        assertFalse(TestDock.hardwareThreadsAlive());
    }
}
