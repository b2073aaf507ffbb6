package org.bwcdock.agent.hardware;

import com.pi4j.context.Context;
import com.pi4j.io.spi.Spi;
import org.bwcdock.simulation.SimulatedBoard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The register-level driver against the simulated chip, and the CRC_A it computes for SELECT. */
@Timeout(10)
class Mfrc522Test {
    private final SimulatedBoard board = new SimulatedBoard();
    private Context ctx;

    @AfterEach
    void stop() {
        if (ctx != null) {
            ctx.shutdown();
        }
    }

    private Spi spi() {
        ctx = board.get();
        return ctx.create(Spi.newConfigBuilder(ctx).id(DockHardware.BADGE_READER_ID).bus(0).address(0).baud(1_000_000));
    }

    @Test
    void crcAMatchesTheIsoExamples() {
        // HLTA is sent as 50 00 57 CD; ISO/IEC 14443-3 Annex B: 00 00 -> A0 1E, 12 34 -> 26 CF.
        assertEquals(0xCD57, Mfrc522.crcA(new byte[]{0x50, 0x00}, 2));
        assertEquals(0x1EA0, Mfrc522.crcA(new byte[]{0x00, 0x00}, 2));
        assertEquals(0xCF26, Mfrc522.crcA(new byte[]{0x12, 0x34}, 2));
    }

    @Test
    void readsFourSevenAndTenByteUids() {
        Spi spi = spi();
        Mfrc522 chip = new Mfrc522(spi, "spi0.0");
        assertEquals(0x92, chip.init());
        assertEquals(0x03, chip.read(Mfrc522.TX_CONTROL) & 0x03, "antenna switched on");
        assertTrue(chip.readUid().isEmpty(), "no card in the field");
        for (String uid : new String[]{"04A1B2C3", "04112233445566", "0411223344556677889A"}) {
            board.presentBadge(uid);
            assertArrayEquals(HexFormat.of().parseHex(uid), chip.readUid().orElseThrow(), uid);
        }
        board.removeBadge();
        assertTrue(chip.readUid().isEmpty());
    }
}
