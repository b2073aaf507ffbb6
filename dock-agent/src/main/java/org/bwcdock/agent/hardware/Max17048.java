package org.bwcdock.agent.hardware;

import com.pi4j.io.i2c.I2C;

/**
 * The MAX17048 fuel gauge, read-only: registers are 16-bit big-endian words.
 * SOC (0x04): 1/256 % per bit. VCELL (0x02): 78.125 µV per bit.
 */
final class Max17048 implements FuelGauge {
    static final int DEFAULT_ADDRESS = 0x36;
    static final int REG_VCELL = 0x02;
    static final int REG_SOC = 0x04;
    static final double VOLTS_PER_LSB = 78.125e-6;

    private final I2C i2c;
    private final String where;

    Max17048(I2C i2c, String where) {
        this.i2c = i2c;
        this.where = where;
    }

    @Override
    public double stateOfChargePercent() {
        return word(REG_SOC) / 256.0;
    }

    @Override
    public double cellVolts() {
        return word(REG_VCELL) * VOLTS_PER_LSB;
    }

    private int word(int register) {
        int w = i2c.readRegisterWord(register);
        if (w < 0 || w > 0xFFFF) {
            throw new IllegalStateException(where + ": register 0x" + Integer.toHexString(register) + " read failed (" + w + ")");
        }
        return w;
    }

    @Override
    public String where() {
        return where;
    }
}
