package org.bwcdock.simulation;

import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;

/**
 * A MAX17048 for the sandbox and tests: SOC and VCELL answer every read (Pi4J's {@code MockI2C}
 * consumes its queue per read), and the chip can be made to stop answering.
 */
final class SimulatedMax17048 extends MockI2C {
    /** The data sheet's registers (16-bit, big-endian) and VCELL's unit. */
    static final int REG_VCELL = 0x02;
    static final int REG_SOC = 0x04;
    static final int REG_VERSION = 0x08;
    static final double VOLTS_PER_LSB = 78.125e-6;

    private volatile int soc = 0x4B80;    // 75.5 %
    private volatile int vcell = 0xD000;  // 4.16 V
    private volatile boolean answering = true;

    SimulatedMax17048(I2CProvider provider, I2CConfig config) {
        super(provider, config);
    }

    void set(double percent, double volts) {
        if (percent < 0 || percent > 255) {
            throw new IllegalArgumentException("SOC " + percent + " % does not fit the register");
        }
        soc = (int) Math.round(percent * 256);
        vcell = (int) Math.round(volts / VOLTS_PER_LSB) & 0xFFFF;
    }

    void answering(boolean answers) {
        answering = answers;
    }

    @Override
    public int readRegister(int register, byte[] buffer, int offset, int length) {
        if (!answering) {
            return -1; // what a read that got no ACK turns into
        }
        int word = switch (register) {
            case REG_SOC -> soc;
            case REG_VCELL -> vcell;
            case REG_VERSION -> 0x0012;
            default -> -1;
        };
        if (word < 0) {
            return -1;
        }
        int n = Math.min(length, 2);
        if (n > 0) {
            buffer[offset] = (byte) (word >>> 8);
        }
        if (n > 1) {
            buffer[offset + 1] = (byte) word;
        }
        return n;
    }
}
