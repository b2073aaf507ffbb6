package org.bwcdock.agent.hardware;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A bay's battery level as last known.
 *
 * @param percent state of charge 0..100 (a MAX17048 reports in 1/256 %), empty when unknown
 * @param cellVolts cell voltage, only from a gauge
 * @param at when it was read (or derived)
 */
public record BatteryReading(int bay, Source source, OptionalDouble percent, OptionalDouble cellVolts,
                             ChargeStatus status, Instant at) {

    /** At or above this the battery counts as full. MAX17048 SOC settles at 99.x % on many packs. */
    public static final double FULL_PERCENT = 99.0;

    public enum Source {
        /** The bay's I2C fuel gauge. */
        GAUGE,
        /** The camera's own report (profile device-info), passed in through {@link DockView}. */
        CAMERA,
        /** Nothing answered: no gauge (or it stopped answering) and no report from the camera. */
        NONE
    }

    public BatteryReading {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(percent, "percent");
        Objects.requireNonNull(cellVolts, "cellVolts");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        if (percent.isPresent() && (percent.getAsDouble() < 0 || percent.getAsDouble() > 100.0)) {
            throw new IllegalArgumentException("bay " + bay + ": battery percent must be 0..100, not " + percent.getAsDouble());
        }
        if (source == Source.NONE && (percent.isPresent() || status != ChargeStatus.UNKNOWN)) {
            throw new IllegalArgumentException("bay " + bay + ": a reading without a source has no level");
        }
    }

    /** A chip's state of charge as a level: a full pack reads a little above 100 %, an odd read below 0. */
    public static double capped(double percent) {
        return Math.max(0.0, Math.min(100.0, percent));
    }

    /**
     * The level the camera itself reported (0..100; below 0: none), for a bay whose gauge is
     * absent or silent; unknown without a report.
     */
    public static BatteryReading reported(int bay, int percent, boolean docked, Instant at) {
        if (percent < 0) {
            return unknown(bay, at);
        }
        OptionalDouble p = OptionalDouble.of(capped(percent));
        return new BatteryReading(bay, Source.CAMERA, p, OptionalDouble.empty(), derive(p, docked, Double.NaN), at);
    }

    /** This reading where it is known, else the camera's own report: what every view of the bay shows. */
    public BatteryReading orReported(int reportedPercent, boolean docked) {
        return known() ? this : reported(bay, reportedPercent, docked, at);
    }

    public static BatteryReading unknown(int bay, Instant at) {
        return new BatteryReading(bay, Source.NONE, OptionalDouble.empty(), OptionalDouble.empty(), ChargeStatus.UNKNOWN, at);
    }

    public boolean known() {
        return percent.isPresent();
    }

    /** Whole percent for bay state, or -1 when unknown. */
    public int roundedPercent() {
        return percent.isPresent() ? (int) Math.floor(percent.getAsDouble()) : -1;
    }

    /**
     * The rules of {@link ChargeStatus}.
     *
     * @param previousPercent the level read before this one, NaN if none
     */
    static ChargeStatus derive(OptionalDouble percent, boolean docked, double previousPercent) {
        if (percent.isEmpty()) {
            return ChargeStatus.UNKNOWN;
        }
        double p = percent.getAsDouble();
        if (p >= FULL_PERCENT) {
            return ChargeStatus.FULL;
        }
        if (docked || (!Double.isNaN(previousPercent) && p > previousPercent)) {
            return ChargeStatus.CHARGING;
        }
        return ChargeStatus.NOT_CHARGING;
    }
}
