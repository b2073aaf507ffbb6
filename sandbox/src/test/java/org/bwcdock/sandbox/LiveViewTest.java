package org.bwcdock.sandbox;

import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class LiveViewTest {
    private final BayView busy = view(3, "BWC-00412", "officer-1042", 76, 100, 42, BayPhase.UPLOADING, "upload started");

    /** A bay with a camera; percent -1: nothing under way. */
    private static BayView view(int bay, String camera, String officer, int battery, int ingest, int upload, BayPhase phase,
                                String event) {
        OptionalInt b = OptionalInt.of(battery);
        return new BayView(bay, phase, camera, officer, Instant.EPOCH, b, b, false, Math.max(ingest, 0), ingest < 0 ? 0 : 100,
                Math.max(upload, 0), upload < 0 ? 0 : 100, event);
    }

    @Test
    void everyTerminalLineFitsEightyColumns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        view.show(List.of(BayView.empty(1), busy, view(4, "a-very-long-camera-id", "an-officer-with-a-long-id", 5, 3, -1,
                BayPhase.ERROR, "x".repeat(200))));
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            String visible = line.replaceAll("\033\\[[0-9]*[A-Za-z]", "");
            assertTrue(visible.length() <= LiveView.WIDTH, () -> visible.length() + ": " + visible);
        }
    }

    @Test
    void withoutTerminalPrintsPlainLinesOnlyForChanges() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        view.show(List.of(BayView.empty(1), busy));
        view.show(List.of(BayView.empty(1), busy));
        view.show(List.of(BayView.empty(1), busy.withUpload(425, 1000))); // still 42 %: nothing new to show
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\033"), "no escape codes when not a terminal");
        assertEquals(2, text.lines().count(), text);
        assertTrue(text.contains("bay 3: camera BWC-00412, officer officer-1042, battery 76%, ingest 100%, upload 42%, phase uploading — upload started"), text);
    }

    @Test
    void progressBarIsFixedWidth() {
        assertEquals("[          ]  0", LiveView.bar(0));
        assertEquals("[#####     ] 50", LiveView.bar(50));
        assertEquals("[##########]100", LiveView.bar(100));
        assertEquals("-", LiveView.bar(-1));
    }
}
