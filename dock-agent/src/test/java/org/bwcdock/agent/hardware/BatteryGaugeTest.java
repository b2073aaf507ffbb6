package org.bwcdock.agent.hardware;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import org.bwcdock.agent.events.EventClass;
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
import java.util.OptionalInt;

import static org.bwcdock.agent.hardware.TestDock.await;
import static org.bwcdock.agent.hardware.TestDock.fileIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MAX17048 registers over (mock) I2C → battery readings in bay state; a silent gauge → unknown + one event. */
@Timeout(30)
class BatteryGaugeTest {
    @TempDir
    Path dir;
    private Ledger ledger;
    private final TestDock dock = new TestDock();
    private DockHardware hw;
    private final SimulatedBoard sim = new SimulatedBoard();

    @BeforeEach
    void start() {
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
        hw = DockHardware.create(TestDock.settings(Map.of(), 80), Optional.of(sim), ledger, dock, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        hw.close();
        ledger.close();
    }

    private List<OutboxEvent> events(String type) {
        return ledger.pendingEvents(10_000).stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void registerValuesAppearInBayState() {
        dock.dock(1, "CAM-1", Instant.now());
        // SOC 0x4B80 = 75.5 %, VCELL 0xD000 = 4.16 V: the chip's power-on values in the simulation.
        await("first reading", Duration.ofSeconds(5), () -> hw.gauges().reading(1).known());
        BatteryReading r = hw.situation(1).battery();
        assertEquals(BatteryReading.Source.GAUGE, r.source());
        assertEquals(75.5, r.percent().getAsDouble(), 1e-9);
        assertEquals(4.16, r.cellVolts().getAsDouble(), 1e-9);
        assertEquals(ChargeStatus.CHARGING, r.status(), "docked below full");
        assertEquals(75, r.roundedPercent());

        sim.setGauge(1, 99.5, 4.2);
        await("full", Duration.ofSeconds(5), () -> hw.gauges().reading(1).status() == ChargeStatus.FULL);
        assertEquals(3, hw.gauges().readings().size());
    }

    @Test
    void aGaugeThatStopsAnsweringReadsUnknownWithOneEventAndRecovers() {
        fileIn(ledger, "CAM-2", "DCIM/a.mp4", FileState.RECEIPTED);
        dock.dock(2, "CAM-2", Instant.now());
        sim.setGauge(2, 60, 3.9);
        await("60 %", Duration.ofSeconds(5), () -> hw.gauges().reading(2).roundedPercent() == 60);
        await("light follows the gauge", Duration.ofSeconds(5), () -> hw.indicators().light(2) == BayLight.CHARGING);

        sim.gaugeAnswers(2, false);
        await("unknown", Duration.ofSeconds(5), () -> !hw.gauges().reading(2).known());
        BatteryReading r = hw.situation(2).battery();
        assertEquals(BatteryReading.Source.NONE, r.source());
        assertEquals(ChargeStatus.UNKNOWN, r.status());
        assertEquals(-1, r.roundedPercent());
        // Let it fail for many polls (30 ms each): still one event, and the other gauges keep working.
        sim.setGauge(3, 42, 3.7);
        await("bay 3 read while bay 2 is silent", Duration.ofSeconds(5), () -> hw.gauges().reading(3).roundedPercent() == 42);
        long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
        await("several polls", Duration.ofSeconds(5), () -> System.nanoTime() > until);
        List<OutboxEvent> failed = events("battery-gauge-failed");
        assertEquals(1, failed.size(), "one event per transition, not per poll");
        assertEquals(EventClass.OPERATIONAL, failed.get(0).eventClass());
        assertTrue(failed.get(0).payloadJson().contains("\"bay\":2"), failed.get(0).payloadJson());
        assertTrue(failed.get(0).payloadJson().contains("i2c-3@0x36"), failed.get(0).payloadJson());
        assertEquals(BayLight.SAFE, hw.indicators().light(2), "an unknown level does not hold back green");

        sim.gaugeAnswers(2, true);
        await("recovered", Duration.ofSeconds(5), () -> hw.gauges().reading(2).roundedPercent() == 60);
        // The reading is updated before the event is appended: wait for the event, then check it is the only one.
        await("recovered event", Duration.ofSeconds(5), () -> !events("battery-gauge-recovered").isEmpty());
        assertEquals(1, events("battery-gauge-recovered").size());
    }

    @Test
    void withoutAnAnsweringGaugeTheCameraReportedLevelIsUsed() {
        sim.gaugeAnswers(3, false);
        dock.dock(3, "CAM-3", Instant.now(), OptionalInt.of(88));
        await("gauge failure noticed", Duration.ofSeconds(5), () -> !events("battery-gauge-failed").isEmpty());
        BatteryReading r = hw.gauges().reading(3);
        assertEquals(BatteryReading.Source.CAMERA, r.source());
        assertEquals(88, r.roundedPercent());
        assertEquals(ChargeStatus.CHARGING, r.status());
        assertTrue(r.cellVolts().isEmpty());
    }

    /** A full pack reads above 100 % on the chip; every view shows 100 and full. */
    @Test
    void aLevelAboveAHundredIsCapped() {
        sim.setGauge(1, 101.5, 4.21);
        await("capped", Duration.ofSeconds(5), () -> hw.gauges().reading(1).percent().orElse(0) == 100.0);
        assertEquals(ChargeStatus.FULL, hw.gauges().reading(1).status());
    }

    /** Any chip behind {@link FuelGauge} is read, capped and reported alike: a second chip needs only its driver. */
    @Test
    void anyFuelGaugeIsReadTheSameWay() {
        FuelGauge other = new FuelGauge() {
            @Override
            public double stateOfChargePercent() {
                return 103.2;
            }

            @Override
            public double cellVolts() {
                return 4.25;
            }

            @Override
            public String where() {
                return "i2c-9@0x55";
            }
        };
        try (GaugePoller p = new GaugePoller(List.of(1), Map.of(1, other), dock, ledger, Clock.systemUTC(),
                Duration.ofSeconds(30), b -> { })) {
            p.pollAll();
            BatteryReading r = p.reading(1);
            assertEquals(BatteryReading.Source.GAUGE, r.source());
            assertEquals(100.0, r.percent().orElseThrow());
            assertEquals(4.25, r.cellVolts().orElseThrow());
            assertEquals(ChargeStatus.FULL, r.status());
        }
    }

    /** The camera's own report goes through the same cap and charge rules. */
    @Test
    void theCameraReportedLevelFollowsTheSameRules() {
        BatteryReading r = BatteryReading.reported(2, 99, true, java.time.Instant.EPOCH);
        assertEquals(BatteryReading.Source.CAMERA, r.source());
        assertEquals(ChargeStatus.FULL, r.status());
        assertEquals(BatteryReading.Source.NONE, BatteryReading.reported(2, -1, true, java.time.Instant.EPOCH).source());
        BatteryReading gauge = BatteryReading.unknown(2, java.time.Instant.EPOCH).orReported(40, true);
        assertEquals(40, gauge.roundedPercent());
        assertEquals(ChargeStatus.CHARGING, gauge.status());
    }

    /** The driver against Pi4J's own queue-backed MockI2C: big-endian words, and an empty queue is an error. */
    @Test
    void driverReadsBigEndianWordsFromPi4jsMockI2c() {
        Context ctx = Pi4J.newContextBuilder().noAutoDetect().add(new MockPlatform()).add(MockI2CProvider.newInstance()).build();
        try {
            I2C i2c = ctx.create(I2C.newConfigBuilder(ctx).id("g").bus(1).device(0x36));
            i2c.writeRegister(Max17048.REG_SOC, new byte[]{0x4B, (byte) 0x80});
            i2c.writeRegister(Max17048.REG_VCELL, new byte[]{(byte) 0xD0, 0x00});
            Max17048 chip = new Max17048(i2c, "i2c-1@0x36");
            assertEquals(75.5, chip.stateOfChargePercent(), 1e-9);
            assertEquals(4.16, chip.cellVolts(), 1e-9);
            assertThrows(RuntimeException.class, chip::stateOfChargePercent, "the mock's queue is used up");
        } finally {
            ctx.shutdown();
        }
    }
}
