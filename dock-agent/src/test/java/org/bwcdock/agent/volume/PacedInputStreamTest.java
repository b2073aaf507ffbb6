package org.bwcdock.agent.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A simulated camera read at its pace: the bytes unchanged, the time set by the rate, not by the disk. */
@Timeout(30)
class PacedInputStreamTest {
    @Test
    void readsEveryByteAtTheConfiguredPace() throws Exception {
        byte[] data = new byte[4 << 20];
        Arrays.fill(data, (byte) 7);
        long start = System.nanoTime();
        byte[] read;
        try (InputStream in = new PacedInputStream(new ByteArrayInputStream(data), 8_000_000)) {
            read = in.readAllBytes();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertArrayEquals(data, read);
        // 4 MiB at 8 MB/s is 0.52 s; a memory read alone would take about a millisecond.
        assertTrue(seconds >= 0.45, "read in " + seconds + " s, faster than the pace");
        assertTrue(seconds < 5, "read in " + seconds + " s");
    }

    @Test
    void anUnpacedDirectoryMounterHandsTheFileOnAsItIs() {
        InputStream file = new ByteArrayInputStream(new byte[1]);
        assertTrue(Mounter.directories(java.nio.file.Path.of("/nonexistent")).reading(file) == file);
        assertTrue(Mounter.directories(java.nio.file.Path.of("/nonexistent"), 1_000_000).reading(file) instanceof PacedInputStream);
    }
}
