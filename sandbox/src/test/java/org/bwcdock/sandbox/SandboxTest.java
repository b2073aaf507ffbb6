package org.bwcdock.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's demo, as a test: the scripted shift end completes, with every bay safe. */
@Timeout(180)
class SandboxTest {
    @Test
    void scriptedShiftEndCompletes(@TempDir Path work) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            status = Sandbox.run(work, new long[] {50_000, 1_500_000}, false);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        assertTrue(out.contains("8 receipts verified, 8 evidence files at the receiver, 4 cameras wiped; audit chain verifies"), out);
        assertTrue(out.matches("(?s).*bay 4 camera \"BWC-00414\" officer \"officer-4471\" battery [0-9]+;.*"), out);
    }
}
