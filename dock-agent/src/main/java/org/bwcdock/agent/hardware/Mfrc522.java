package org.bwcdock.agent.hardware;

import com.pi4j.io.spi.Spi;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The NXP MFRC522 reader over SPI, at register level, reading ISO 14443-A card UIDs (4, 7 or 10 bytes):
 * REQA, then per cascade level ANTICOLLISION and SELECT.
 *
 * <p>SPI framing (datasheet 8.1.2): the first byte is {@code (register << 1) & 0x7E}, with bit 7 set
 * for a read; for a read the chip answers each following byte with the register's value.
 */
final class Mfrc522 {
    // Registers (datasheet 9.2).
    static final int COMMAND = 0x01;
    static final int COM_IRQ = 0x04;
    static final int ERROR = 0x06;
    static final int FIFO_DATA = 0x09;
    static final int FIFO_LEVEL = 0x0A;
    static final int CONTROL = 0x0C;
    static final int BIT_FRAMING = 0x0D;
    static final int COLL = 0x0E;
    static final int MODE = 0x11;
    static final int TX_CONTROL = 0x14;
    static final int TX_ASK = 0x15;
    static final int T_MODE = 0x2A;
    static final int T_PRESCALER = 0x2B;
    static final int T_RELOAD_H = 0x2C;
    static final int T_RELOAD_L = 0x2D;
    static final int VERSION = 0x37;

    // Commands (datasheet 10.3).
    static final int CMD_IDLE = 0x00;
    static final int CMD_TRANSCEIVE = 0x0C;
    static final int CMD_SOFT_RESET = 0x0F;

    // ComIrqReg bits.
    static final int IRQ_RX = 0x20;
    static final int IRQ_IDLE = 0x10;
    static final int IRQ_ERR = 0x02;
    static final int IRQ_TIMER = 0x01;

    // ISO 14443-3 commands.
    static final int PICC_REQA = 0x26;
    static final int PICC_ANTICOLL_CL1 = 0x93;
    static final int PICC_ANTICOLL_CL2 = 0x95;
    static final int PICC_ANTICOLL_CL3 = 0x97;
    static final int PICC_NVB_ANTICOLL = 0x20;
    static final int PICC_NVB_SELECT = 0x70;
    static final int CASCADE_TAG = 0x88;

    /** ComIrqReg is polled at most this often per frame; the chip's own timer (25 ms) ends a silent one first. */
    private static final int MAX_IRQ_POLLS = 200;

    private final Spi spi;
    private final String where;

    Mfrc522(Spi spi, String where) {
        this.spi = spi;
        this.where = where;
    }

    /**
     * Resets the chip, sets a 25 ms receive timeout and 100 % ASK, and switches the antenna on.
     * Returns VersionReg (0x91 v1.0, 0x92 v2.0, 0x88 a common clone); 0x00 or 0xFF means nothing answers.
     */
    int init() {
        write(COMMAND, CMD_SOFT_RESET);
        for (int i = 0; i < MAX_IRQ_POLLS && (read(COMMAND) & 0x10) != 0; i++) {
            Thread.onSpinWait(); // PowerDown bit clears when the oscillator is up
        }
        write(T_MODE, 0x80);       // TAuto: timer starts at the end of each transmission
        write(T_PRESCALER, 0xA9);  // 13.56 MHz / (2*169+1) ≈ 40 kHz: 25 µs per tick
        write(T_RELOAD_H, 0x03);   // 1000 ticks = 25 ms
        write(T_RELOAD_L, 0xE8);
        write(TX_ASK, 0x40);       // 100 % ASK modulation
        write(MODE, 0x3D);         // CRC preset 0x6363 (ISO 14443-3)
        int tx = read(TX_CONTROL);
        if ((tx & 0x03) != 0x03) {
            write(TX_CONTROL, tx | 0x03); // antenna drivers TX1, TX2 on
        }
        return read(VERSION);
    }

    /** The UID of a card in the field, or empty (no card, collision of two cards, garbled frame). */
    Optional<byte[]> readUid() {
        write(COLL, read(COLL) & 0x7F); // ValuesAfterColl = 0: bits after a collision read as 0
        Optional<byte[]> atqa = transceive(new byte[]{PICC_REQA}, 7);
        if (atqa.isEmpty() || atqa.get().length != 2) {
            return Optional.empty();
        }
        ByteArrayOutputStream uid = new ByteArrayOutputStream();
        int[] levels = {PICC_ANTICOLL_CL1, PICC_ANTICOLL_CL2, PICC_ANTICOLL_CL3};
        for (int level : levels) {
            Optional<byte[]> answer = transceive(new byte[]{(byte) level, PICC_NVB_ANTICOLL}, 0);
            if (answer.isEmpty() || answer.get().length != 5) {
                return Optional.empty();
            }
            byte[] a = answer.get();
            if ((a[0] ^ a[1] ^ a[2] ^ a[3]) != a[4]) {
                return Optional.empty(); // BCC wrong: a collision or noise
            }
            byte[] select = new byte[9];
            select[0] = (byte) level;
            select[1] = PICC_NVB_SELECT;
            System.arraycopy(a, 0, select, 2, 5);
            int crc = crcA(select, 7);
            select[7] = (byte) crc;
            select[8] = (byte) (crc >>> 8);
            Optional<byte[]> sak = transceive(select, 0);
            if (sak.isEmpty() || sak.get().length != 3 || crcA(sak.get(), 1) != ((sak.get()[1] & 0xFF) | (sak.get()[2] & 0xFF) << 8)) {
                return Optional.empty();
            }
            boolean more = (sak.get()[0] & 0x04) != 0; // SAK bit 3: UID not complete
            if (more != ((a[0] & 0xFF) == CASCADE_TAG)) {
                return Optional.empty();
            }
            uid.write(a, more ? 1 : 0, more ? 3 : 4);
            if (!more) {
                return Optional.of(uid.toByteArray());
            }
        }
        return Optional.empty();
    }

    /**
     * Sends a frame and returns the card's answer from the FIFO.
     *
     * @param txLastBits bits of the last byte to send (7 for REQA, 0 for whole bytes)
     */
    private Optional<byte[]> transceive(byte[] frame, int txLastBits) {
        write(COMMAND, CMD_IDLE);
        write(COM_IRQ, 0x7F);      // Set1 = 0: clear every interrupt bit
        write(FIFO_LEVEL, 0x80);   // FlushBuffer
        for (byte b : frame) {
            write(FIFO_DATA, b & 0xFF);
        }
        write(BIT_FRAMING, txLastBits & 0x07);
        write(COMMAND, CMD_TRANSCEIVE);
        write(BIT_FRAMING, 0x80 | (txLastBits & 0x07)); // StartSend
        int irq = 0;
        for (int i = 0; i < MAX_IRQ_POLLS; i++) {
            irq = read(COM_IRQ);
            if ((irq & (IRQ_RX | IRQ_IDLE | IRQ_TIMER)) != 0) {
                break;
            }
        }
        write(BIT_FRAMING, txLastBits & 0x07);
        if ((irq & IRQ_RX) == 0) {
            return Optional.empty(); // timer ran out: no card answered
        }
        if ((read(ERROR) & 0x1B) != 0) {
            return Optional.empty(); // BufferOvfl, CollErr, ParityErr, ProtocolErr
        }
        int n = read(FIFO_LEVEL) & 0x7F;
        if (n == 0 || n > 64) {
            return Optional.empty();
        }
        return Optional.of(readFifo(n));
    }

    private byte[] readFifo(int n) {
        byte[] tx = new byte[n + 1];
        Arrays.fill(tx, 0, n, (byte) (0x80 | (FIFO_DATA << 1) & 0x7E));
        byte[] rx = new byte[n + 1];
        spi.transfer(tx, 0, rx, 0, n + 1);
        return Arrays.copyOfRange(rx, 1, n + 1);
    }

    int read(int register) {
        byte[] tx = {(byte) (0x80 | (register << 1) & 0x7E), 0};
        byte[] rx = new byte[2];
        spi.transfer(tx, 0, rx, 0, 2);
        return rx[1] & 0xFF;
    }

    void write(int register, int value) {
        byte[] tx = {(byte) ((register << 1) & 0x7E), (byte) value};
        spi.transfer(tx, 0, new byte[2], 0, 2);
    }

    /** ISO 14443-3 CRC_A (CRC-16/ISO-IEC-14443-3-A: reflected 0x1021, init 0x6363), low byte first on the air. */
    static int crcA(byte[] data, int length) {
        int crc = 0x6363;
        for (int i = 0; i < length; i++) {
            int b = (data[i] & 0xFF) ^ (crc & 0xFF);
            b = (b ^ (b << 4)) & 0xFF;
            crc = ((crc >>> 8) ^ (b << 8) ^ (b << 3) ^ (b >>> 4)) & 0xFFFF;
        }
        return crc;
    }

    String where() {
        return where;
    }
}
