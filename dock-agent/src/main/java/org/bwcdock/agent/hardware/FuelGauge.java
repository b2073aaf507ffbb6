package org.bwcdock.agent.hardware;

import com.pi4j.io.i2c.I2C;
import org.bwcdock.agent.config.AgentConfig.GaugeChip;

/**
 * One bay's fuel-gauge chip, as {@link GaugePoller} reads it. Reads go to the bus and throw when
 * the chip does not answer. The poller caps and interprets the values ({@link BatteryReading}),
 * so a driver only converts registers.
 */
interface FuelGauge {

    /** State of charge in percent as the chip reports it; may be a little above 100 on a full pack. */
    double stateOfChargePercent();

    double cellVolts();

    /** Where the chip sits, for logs and events: {@code i2c-1@0x36}. */
    String where();

    /** The driver for {@code chip}: the one place that maps the config value to a driver class. */
    static FuelGauge open(GaugeChip chip, I2C i2c, String where) {
        return switch (chip) {
            case MAX17048 -> new Max17048(i2c, where);
        };
    }
}
