package org.bwcdock.agent.hardware;

import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.simulation.SimulatedBoard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.bwcdock.agent.hardware.TestDock.await;
import static org.bwcdock.agent.hardware.TestDock.awaitLeds;
import static org.bwcdock.agent.hardware.TestDock.fileIn;
import static org.bwcdock.agent.hardware.TestDock.leds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole badge flow through the real MFRC522 driver talking SPI to a simulated chip (a MockSpi
 * subclass), with a real SQLite ledger: tap → best camera blinks → undock → "assigned" in the outbox.
 */
@Timeout(30)
class BadgeSelfAssignmentTest {
    private static final String BADGE_7 = "04A1B2C3";
    private static final String BADGE_8_SEVEN_BYTES = "04112233445566";
    private static final String UNKNOWN = "DEADBEEF";

    @TempDir
    Path dir;
    private Ledger ledger;
    private final TestDock dock = new TestDock();
    private DockHardware hw;
    private final SimulatedBoard sim = new SimulatedBoard();
    private final Instant t0 = Instant.parse("2025-01-01T06:00:00Z");

    @BeforeEach
    void start() {
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
        hw = DockHardware.create(TestDock.settings(Map.of(BADGE_7, "officer-7", BADGE_8_SEVEN_BYTES.toLowerCase(), "officer-8"), 80),
                Optional.of(sim), ledger, dock, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        hw.close();
        ledger.close();
    }

    private List<OutboxEvent> events(String type) {
        return ledger.pendingEvents(10_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    /** Bay 1: docked first but still uploading. Bay 2: ready, 90 %. Bay 3: ready, 95 %, docked last. */
    private void dockThreeCameras() {
        fileIn(ledger, "CAM-1", "DCIM/a.mp4", FileState.UPLOADING);
        fileIn(ledger, "CAM-2", "DCIM/a.mp4", FileState.RECEIPTED);
        fileIn(ledger, "CAM-3", "DCIM/a.mp4", FileState.RELEASED);
        sim.setGauge(1, 100, 4.2);
        sim.setGauge(2, 90, 4.1);
        sim.setGauge(3, 95, 4.15);
        dock.dock(1, "CAM-1", t0);
        dock.dock(2, "CAM-2", t0.plusSeconds(60));
        dock.dock(3, "CAM-3", t0.plusSeconds(120));
        await("gauges read", Duration.ofSeconds(5), () -> hw.gauges().reading(2).roundedPercent() == 90
                && hw.gauges().reading(3).roundedPercent() == 95);
        hw.indicators().refreshAll();
    }

    @Test
    void tapPicksTheLongestDockedEligibleCameraAndUndockRecordsTheAssignment() {
        dockThreeCameras();
        assertEquals("-A-", leds(hw, 1));
        assertEquals("GA-", leds(hw, 2)); // receipted, charging
        sim.presentBadge(BADGE_7);
        await("bay 2 blinks for the pickup", Duration.ofSeconds(5), () -> hw.indicators().light(2) == BayLight.LOCATE);
        sim.removeBadge();
        assertEquals("officer-7", hw.badges().pendingPickup(2).orElseThrow().officerId());
        assertEquals("CAM-2", hw.badges().pendingPickup(2).orElseThrow().cameraId());
        assertEquals("officer-7", hw.situation(2).pendingPickupOfficer().orElseThrow());
        awaitLeds(hw, 2, "G--");
        awaitLeds(hw, 2, "---");
        awaitLeds(hw, 2, "G--");
        assertEquals("-A-", leds(hw, 1), "the busy camera's bay is not blinking");
        assertTrue(events("assigned").isEmpty(), "nothing is assigned before the camera leaves");

        dock.undock(2);
        int before = dock.changes.get();
        hw.badges().undocked(2, "CAM-2");

        List<OutboxEvent> assigned = events("assigned");
        assertEquals(1, assigned.size());
        assertTrue(assigned.get(0).payloadJson().contains("\"officerId\":\"officer-7\""), assigned.get(0).payloadJson());
        assertTrue(assigned.get(0).payloadJson().contains("\"source\":\"badge\""), assigned.get(0).payloadJson());
        assertTrue(assigned.get(0).payloadJson().contains("\"cameraId\":\"CAM-2\""), assigned.get(0).payloadJson());
        assertEquals("officer-7", ledger.currentAssignment("CAM-2").orElseThrow().officerId());
        assertTrue(hw.badges().pendingPickup(2).isEmpty(), "pickup cleared on undock");
        assertTrue(dock.changes.get() > before, "the supervisor is told the bay changed");
        assertEquals("---", leds(hw, 2));
    }

    @Test
    void sevenByteUidGoesThroughTwoCascadeLevels() {
        dockThreeCameras();
        sim.presentBadge(BADGE_8_SEVEN_BYTES);
        await("pickup for officer-8", Duration.ofSeconds(5),
                () -> hw.badges().pendingPickup(2).map(p -> p.officerId().equals("officer-8")).orElse(false));
    }

    @Test
    void lowBatteryAndLegalHoldAreSkipped() {
        dockThreeCameras();
        sim.setGauge(2, 70, 3.8); // below the 80 % minimum
        ledger.setLegalHold("CAM-3", true, "test");
        await("bay 2 at 70 %", Duration.ofSeconds(5), () -> hw.gauges().reading(2).roundedPercent() == 70);
        TapResult r = hw.badges().tapped(BADGE_7);
        assertEquals(TapResult.Outcome.NO_ELIGIBLE_CAMERA, r.outcome());
        sim.setGauge(2, 85, 4.0);
        await("bay 2 at 85 %", Duration.ofSeconds(5), () -> hw.gauges().reading(2).roundedPercent() == 85);
        assertEquals(2, hw.badges().tapped(BADGE_7).pickup().orElseThrow().bay());
    }

    @Test
    void tapWithNoEligibleCameraShowsTheRefusalPatternOnAllBaysAndRecordsAnEvent() {
        fileIn(ledger, "CAM-1", "DCIM/a.mp4", FileState.UPLOADING);
        dock.dock(1, "CAM-1", t0);
        hw.indicators().refreshAll();
        assertEquals("-A-", leds(hw, 1));
        sim.presentBadge(BADGE_7);
        await("badge-no-camera event", Duration.ofSeconds(5), () -> !events("badge-no-camera").isEmpty());
        // The event is written after the lights change, so the pattern is already showing.
        assertEquals(BayLight.REFUSED, hw.indicators().light(3));
        for (int bay = 1; bay <= 3; bay++) {
            awaitLeds(hw, bay, "-AR");
            awaitLeds(hw, bay, "---");
        }
        OutboxEvent e = events("badge-no-camera").get(0);
        assertTrue(e.payloadJson().contains("\"officerId\":\"officer-7\""), e.payloadJson());
        assertEquals(org.bwcdock.agent.events.EventClass.OPERATIONAL, e.eventClass());
        // The card stays on the reader for many polls: still one tap.
        await("refusal over", Duration.ofSeconds(5), () -> hw.indicators().light(1) == BayLight.WORKING);
        assertEquals(1, events("badge-no-camera").size(), "a card left on the reader is one tap");
        awaitLeds(hw, 1, "-A-");
        awaitLeds(hw, 2, "---");
        assertTrue(events("assigned").isEmpty());
    }

    @Test
    void unknownBadgeIsRefusedWithoutRevealingItsUid() {
        dockThreeCameras();
        sim.presentBadge(UNKNOWN);
        await("badge-unknown event", Duration.ofSeconds(5), () -> !events("badge-unknown").isEmpty());
        String payload = events("badge-unknown").get(0).payloadJson();
        assertFalse(payload.toUpperCase().contains(UNKNOWN), "the UID itself is not published: " + payload);
        assertTrue(payload.contains("badgeFingerprint"), payload);
        assertTrue(hw.badges().pendingPickup(2).isEmpty());
        assertEquals(BayLight.REFUSED, hw.indicators().light(2));
    }

    @Test
    void anUndockOfAnotherCameraDoesNotAssign() {
        dockThreeCameras();
        assertEquals(TapResult.Outcome.CAMERA_PICKED, hw.badges().tapped(BADGE_7).outcome());
        dock.undock(3);
        hw.badges().undocked(3, "CAM-3");
        assertTrue(events("assigned").isEmpty());
        assertTrue(hw.badges().pendingPickup(2).isPresent());
    }
}
