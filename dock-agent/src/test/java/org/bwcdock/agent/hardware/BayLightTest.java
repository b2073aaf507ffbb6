package org.bwcdock.agent.hardware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure derivation and its precedence. */
@Timeout(10)
class BayLightTest {
    private static BatteryReading battery(double percent, boolean docked) {
        OptionalDouble p = OptionalDouble.of(percent);
        return new BatteryReading(1, BatteryReading.Source.GAUGE, p, OptionalDouble.empty(),
                BatteryReading.derive(p, docked, Double.NaN), Instant.EPOCH);
    }

    private static BaySituation s(boolean docked, int working, int errors, BatteryReading b, boolean pickup,
                                  boolean locate, boolean refused) {
        return s(docked, working, errors, 0, b, pickup, locate, refused);
    }

    private static BaySituation s(boolean docked, int working, int errors, int filesRefused, BatteryReading b, boolean pickup,
                                  boolean locate, boolean refused) {
        return new BaySituation(1, docked ? Optional.of("C") : Optional.empty(), working, errors, filesRefused, b, Optional.empty(),
                false, pickup ? Optional.of("o") : Optional.empty(), locate, refused, false);
    }

    @Test
    void derivation() {
        BatteryReading full = battery(100, true);
        BatteryReading charging = battery(50, true);
        BatteryReading unknown = BatteryReading.unknown(1, Instant.EPOCH);
        assertEquals(BayLight.OFF, BayLight.lightFor(s(false, 0, 0, unknown, false, false, false)));
        assertEquals(BayLight.OFF, BayLight.lightFor(s(false, 0, 0, unknown, false, true, false)), "nothing to locate");
        assertEquals(BayLight.WORKING, BayLight.lightFor(s(true, 1, 0, full, false, false, false)));
        assertEquals(BayLight.ERROR, BayLight.lightFor(s(true, 3, 1, full, false, false, false)), "error beats working");
        assertEquals(BayLight.SAFE, BayLight.lightFor(s(true, 0, 0, full, false, false, false)));
        assertEquals(BayLight.SAFE, BayLight.lightFor(s(true, 0, 0, unknown, false, false, false)));
        assertEquals(BayLight.CHARGING, BayLight.lightFor(s(true, 0, 0, charging, false, false, false)));
        assertEquals(BayLight.LOCATE, BayLight.lightFor(s(true, 0, 0, full, true, false, false)));
        assertEquals(BayLight.LOCATE, BayLight.lightFor(s(true, 0, 1, full, false, true, false)), "locate beats error");
        assertEquals(BayLight.REFUSED, BayLight.lightFor(s(false, 0, 0, unknown, false, false, true)));
        assertEquals(BayLight.REFUSED, BayLight.lightFor(s(true, 0, 0, full, true, false, true)));
        assertEquals(BayLight.FILES_LEFT, BayLight.lightFor(s(true, 0, 0, 1, charging, false, false, false)),
                "files the camera would not give: amber blinking, not green");
        assertEquals(BayLight.WORKING, BayLight.lightFor(s(true, 2, 0, 1, full, false, false, false)), "work to do beats it");
        assertEquals(BayLight.ERROR, BayLight.lightFor(s(true, 0, 1, 1, full, false, false, false)), "error beats it");
        assertFalse(s(true, 0, 0, 1, full, false, false, false).evidenceSecured(), "not handed out");
        assertTrue(BayLight.FILES_LEFT.amber(true) && !BayLight.FILES_LEFT.amber(false) && !BayLight.FILES_LEFT.green(true));
    }

    @Test
    void aLockedBayPortShowsRedBlinkingAboveAnEmptyBay() {
        BaySituation locked = new BaySituation(1, Optional.empty(), 0, 0, 0, BatteryReading.unknown(1, Instant.EPOCH),
                Optional.empty(), false, Optional.empty(), false, false, true);
        assertEquals(BayLight.LOCKED, BayLight.lightFor(locked));
        assertTrue(BayLight.LOCKED.blinks() && BayLight.LOCKED.red(true));
        assertFalse(BayLight.LOCKED.red(false) || BayLight.LOCKED.green(true) || BayLight.LOCKED.amber(true));
    }

    @Test
    void patterns() {
        assertTrue(BayLight.LOCATE.green(true));
        assertFalse(BayLight.LOCATE.green(false));
        assertTrue(BayLight.REFUSED.red(true) && BayLight.REFUSED.amber(true));
        assertFalse(BayLight.REFUSED.red(false) || BayLight.REFUSED.amber(false));
        assertTrue(BayLight.SAFE.green(false), "steady lights ignore the phase");
        assertTrue(BayLight.CHARGING.green(false) && BayLight.CHARGING.amber(false));
    }

    @Test
    void chargeStatusRules() {
        assertEquals(ChargeStatus.FULL, BatteryReading.derive(OptionalDouble.of(99.0), false, Double.NaN));
        assertEquals(ChargeStatus.CHARGING, BatteryReading.derive(OptionalDouble.of(50), true, Double.NaN));
        assertEquals(ChargeStatus.CHARGING, BatteryReading.derive(OptionalDouble.of(50), false, 49));
        assertEquals(ChargeStatus.NOT_CHARGING, BatteryReading.derive(OptionalDouble.of(50), false, 51));
        assertEquals(ChargeStatus.UNKNOWN, BatteryReading.derive(OptionalDouble.empty(), true, 1));
    }
}
