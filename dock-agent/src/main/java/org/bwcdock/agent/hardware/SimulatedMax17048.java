package org.bwcdock.agent.hardware;

import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProviderImpl;

/**
 * A MAX17048 for the sandbox and tests: SOC and VCELL answer every read (Pi4J's {@code MockI2C}
 * consumes its queue per read), and the chip can be made to stop answering.
 */
final class SimulatedMax17048 extends MockI2C {
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
        vcell = (int) Math.round(volts / Max17048.VOLTS_PER_LSB) & 0xFFFF;
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
            case Max17048.REG_SOC -> soc;
            case Max17048.REG_VCELL -> vcell;
            case 0x08 -> 0x0012; // VERSION
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

    /** Creates {@link SimulatedMax17048}s where Pi4J's mock provider would create queue-backed mocks. */
    static final class Provider extends MockI2CProviderImpl {
        @Override
        public com.pi4j.io.i2c.I2C create(I2CConfig config) {
            SimulatedMax17048 i2c = new SimulatedMax17048(this, config);
            this.context.registry().add(i2c);
            return i2c;
        }
    }
}
