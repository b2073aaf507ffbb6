package org.bwcdock.simulation;

import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import com.pi4j.plugin.mock.provider.spi.MockSpiProviderImpl;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An MFRC522 with an ISO 14443-A card in front of it, at register level, for the sandbox and tests:
 * answers the SPI register protocol, runs Transceive on StartSend, and plays a card that answers
 * REQA, ANTICOLLISION and SELECT for a 4-, 7- or 10-byte UID. Pi4J's own {@code MockSpi} is a FIFO
 * and cannot answer what it was sent.
 */
final class SimulatedMfrc522 extends MockSpi {
    // Registers, commands and card frames from the MFRC522 data sheet and ISO/IEC 14443-3, written
    // here apart from the agent's driver: the simulation checks the driver, it does not share its mistakes.
    static final int COMMAND = 0x01;
    static final int COM_IRQ = 0x04;
    static final int ERROR = 0x06;
    static final int FIFO_DATA = 0x09;
    static final int FIFO_LEVEL = 0x0A;
    static final int BIT_FRAMING = 0x0D;
    static final int TX_CONTROL = 0x14;
    static final int VERSION = 0x37;
    static final int CMD_TRANSCEIVE = 0x0C;
    static final int CMD_SOFT_RESET = 0x0F;
    static final int IRQ_RX = 0x20;
    static final int IRQ_TIMER = 0x01;
    static final int PICC_REQA = 0x26;
    static final int PICC_ANTICOLL_CL1 = 0x93;
    static final int PICC_ANTICOLL_CL2 = 0x95;
    static final int PICC_ANTICOLL_CL3 = 0x97;
    static final int PICC_NVB_ANTICOLL = 0x20;
    static final int PICC_NVB_SELECT = 0x70;
    static final int CASCADE_TAG = 0x88;

    private final int[] regs = new int[64];
    private final ArrayDeque<Byte> fifo = new ArrayDeque<>();
    private volatile byte[] card;

    SimulatedMfrc522(SpiProvider provider, SpiConfig config) {
        super(provider, config);
        reset();
    }

    /** Puts a card with this UID (hex, 4, 7 or 10 bytes) in the field; null takes it away. */
    void card(String uidHex) {
        if (uidHex == null) {
            card = null;
            return;
        }
        byte[] uid = HexFormat.of().parseHex(uidHex);
        if (uid.length != 4 && uid.length != 7 && uid.length != 10) {
            throw new IllegalArgumentException("a card UID has 4, 7 or 10 bytes, not " + uid.length);
        }
        card = uid;
    }

    private void reset() {
        Arrays.fill(regs, 0);
        regs[TX_CONTROL] = 0x80;
        regs[COMMAND] = 0x20;
        fifo.clear();
    }

    @Override
    public synchronized int transfer(byte[] write, int writeOffset, byte[] read, int readOffset, int numberOfBytes) {
        if (numberOfBytes == 0) {
            return 0;
        }
        int first = write[writeOffset] & 0xFF;
        read[readOffset] = 0;
        if ((first & 0x80) != 0) {
            // Each byte's answer is the register named by the byte before it.
            for (int i = 1; i < numberOfBytes; i++) {
                int address = (write[writeOffset + i - 1] & 0x7E) >>> 1;
                read[readOffset + i] = (byte) readRegister(address);
            }
        } else {
            int address = (first & 0x7E) >>> 1;
            for (int i = 1; i < numberOfBytes; i++) {
                read[readOffset + i] = 0;
                writeRegister(address, write[writeOffset + i] & 0xFF);
            }
        }
        return numberOfBytes;
    }

    private int readRegister(int r) {
        return switch (r) {
            case FIFO_DATA -> fifo.isEmpty() ? 0 : fifo.poll() & 0xFF;
            case FIFO_LEVEL -> fifo.size();
            case VERSION -> 0x92;
            default -> regs[r];
        };
    }

    private void writeRegister(int r, int v) {
        switch (r) {
            case COMMAND -> {
                if ((v & 0x0F) == CMD_SOFT_RESET) {
                    reset();
                    regs[COMMAND] = 0;
                } else {
                    regs[r] = v & 0x3F;
                }
            }
            case COM_IRQ -> regs[r] = (v & 0x80) != 0 ? regs[r] | (v & 0x7F) : regs[r] & ~(v & 0x7F);
            case FIFO_LEVEL -> {
                if ((v & 0x80) != 0) {
                    fifo.clear();
                }
            }
            case FIFO_DATA -> {
                if (fifo.size() < 64) {
                    fifo.add((byte) v);
                }
            }
            case BIT_FRAMING -> {
                regs[r] = v;
                if ((v & 0x80) != 0 && (regs[COMMAND] & 0x0F) == CMD_TRANSCEIVE) {
                    transceive(v & 0x07);
                }
            }
            default -> regs[r] = v;
        }
    }

    private void transceive(int txLastBits) {
        byte[] frame = new byte[fifo.size()];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = fifo.poll();
        }
        regs[ERROR] = 0;
        regs[COM_IRQ] |= 0x40; // TxIRq
        byte[] answer = cardAnswer(frame, txLastBits);
        if (answer == null) {
            regs[COM_IRQ] |= IRQ_TIMER;
            return;
        }
        for (byte b : answer) {
            fifo.add(b);
        }
        regs[COM_IRQ] |= IRQ_RX;
    }

    /** What the card sends back, or null if it stays silent. */
    private byte[] cardAnswer(byte[] frame, int txLastBits) {
        byte[] uid = card;
        if (uid == null || frame.length == 0) {
            return null;
        }
        if (frame.length == 1 && txLastBits == 7 && frame[0] == PICC_REQA) {
            int sizeBits = uid.length == 4 ? 0x00 : uid.length == 7 ? 0x40 : 0x80;
            return new byte[]{(byte) (sizeBits | 0x04), 0x00};
        }
        int level = switch (frame[0] & 0xFF) {
            case PICC_ANTICOLL_CL1 -> 0;
            case PICC_ANTICOLL_CL2 -> 1;
            case PICC_ANTICOLL_CL3 -> 2;
            default -> -1;
        };
        int levels = uid.length == 4 ? 1 : uid.length == 7 ? 2 : 3;
        if (level < 0 || level >= levels || txLastBits != 0 || frame.length < 2) {
            return null;
        }
        boolean last = level == levels - 1;
        byte[] chunk = new byte[5];
        if (last) {
            System.arraycopy(uid, level * 3, chunk, 0, 4);
        } else {
            chunk[0] = (byte) CASCADE_TAG;
            System.arraycopy(uid, level * 3, chunk, 1, 3);
        }
        chunk[4] = (byte) (chunk[0] ^ chunk[1] ^ chunk[2] ^ chunk[3]);
        if (frame.length == 2 && frame[1] == PICC_NVB_ANTICOLL) {
            return chunk;
        }
        if (frame.length == 9 && frame[1] == PICC_NVB_SELECT
                && Arrays.equals(frame, 2, 7, chunk, 0, 5)
                && crcA(frame, 7) == ((frame[7] & 0xFF) | (frame[8] & 0xFF) << 8)) {
            byte[] sak = {(byte) (last ? 0x08 : 0x04), 0, 0};
            int crc = crcA(sak, 1);
            sak[1] = (byte) crc;
            sak[2] = (byte) (crc >>> 8);
            return sak;
        }
        return null;
    }

    /** ISO 14443-3 CRC_A (reflected 0x1021, init 0x6363), low byte first on the air. */
    static int crcA(byte[] data, int length) {
        int crc = 0x6363;
        for (int i = 0; i < length; i++) {
            int b = (data[i] & 0xFF) ^ (crc & 0xFF);
            b = (b ^ (b << 4)) & 0xFF;
            crc = ((crc >>> 8) ^ (b << 8) ^ (b << 3) ^ (b >>> 4)) & 0xFFFF;
        }
        return crc;
    }

    /** Creates {@link SimulatedMfrc522}s where Pi4J's mock provider would create plain FIFOs. */
    static final class Provider extends MockSpiProviderImpl {
        @Override
        public com.pi4j.io.spi.Spi create(SpiConfig config) {
            SimulatedMfrc522 spi = new SimulatedMfrc522(this, config);
            this.context.registry().add(spi);
            return spi;
        }
    }
}
