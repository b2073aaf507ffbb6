package org.bwcdock.agent.hardware;

import java.util.List;

/**
 * Battery levels per bay: the bay's I2C fuel gauge where one is configured and answers, else the
 * level the docked camera reports. Gauges are polled on one owned thread; reading here never
 * touches the bus.
 */
public interface BatteryGauges {

    /** The latest reading for the bay (unknown if nothing is known). */
    BatteryReading reading(int bay);

    /** Latest readings of every configured bay, by bay number. */
    List<BatteryReading> readings();

    /** Reads the gauges again soon, off the caller's thread: a camera was just docked. */
    default void readSoon() {
    }
}
