package org.bwcdock.simulation;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The board as a driver sees it: devices by the agent's ids, a gauge chip by its config value. */
@Timeout(10)
class SimulatedBoardTest {
    private final SimulatedBoard board = new SimulatedBoard();

    @AfterEach
    void shutdown() {
        board.get().shutdown();
    }

    private I2C gauge(int bay, String chip) {
        Context ctx = board.get();
        return ctx.create(I2C.newConfigBuilder(ctx).id("bay" + bay + "-gauge").description(chip).bus(bay).device(0x36));
    }

    @Test
    void oneContextPerBoard() {
        assertSame(board.get(), board.get());
    }

    @Test
    void aMax17048AnswersInItsRegisters() {
        I2C i2c = gauge(1, "max17048");
        assertEquals(0x4B80, i2c.readRegisterWord(SimulatedMax17048.REG_SOC), "power-on 75.5 %");
        board.setGauge(1, 100.5, 4.2);
        assertEquals(Math.round(100.5 * 256), i2c.readRegisterWord(SimulatedMax17048.REG_SOC));
        assertEquals(Math.round(4.2 / SimulatedMax17048.VOLTS_PER_LSB), i2c.readRegisterWord(SimulatedMax17048.REG_VCELL));
        board.gaugeAnswers(1, false);
        assertThrows(RuntimeException.class, () -> i2c.readRegisterWord(SimulatedMax17048.REG_SOC), "a silent chip: a failed read");
        board.gaugeAnswers(1, true);
        assertEquals(Math.round(100.5 * 256), i2c.readRegisterWord(SimulatedMax17048.REG_SOC));
    }

    @Test
    void aChipWithoutASimulationIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gauge(2, "bq27441"));
        assertTrue(e.getMessage().contains("no simulated fuel gauge \"bq27441\""), e.getMessage());
    }

    @Test
    void handlesNameWhatIsMissing() {
        assertThrows(IllegalStateException.class, () -> new SimulatedBoard().led(5), "no agent has started on it");
        board.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> board.setGauge(3, 50, 3.8));
        assertEquals("bay 3 has no battery gauge", e.getMessage());
        assertThrows(IllegalStateException.class, () -> board.presentBadge("04A1B2C3"));
    }
}
