package org.bwcdock.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class LiveViewTest {
    private final BayRow busy = new BayRow(3, "BWC-00412", "officer-1042", 76, 100, 42, "amber", "upload started");

    @Test
    void everyTerminalLineFitsEightyColumns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        view.show(List.of(BayRow.empty(1), busy, new BayRow(4, "a-very-long-camera-id", "an-officer-with-a-long-id", 5, 3, -1,
                "red", "x".repeat(200))));
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            String visible = line.replaceAll("\033\\[[0-9]*[A-Za-z]", "");
            assertTrue(visible.length() <= LiveView.WIDTH, () -> visible.length() + ": " + visible);
        }
    }

    @Test
    void withoutTerminalPrintsPlainLinesOnlyForChanges() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        view.show(List.of(BayRow.empty(1), busy));
        view.show(List.of(BayRow.empty(1), busy));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\033"), "no escape codes when not a terminal");
        assertEquals(2, text.lines().count(), text);
        assertTrue(text.contains("bay 3: camera BWC-00412, officer officer-1042, battery 76%, ingest 100%, upload 42%, light amber — upload started"), text);
    }

    @Test
    void progressBarIsFixedWidth() {
        assertEquals("[          ]  0", LiveView.bar(0));
        assertEquals("[#####     ] 50", LiveView.bar(50));
        assertEquals("[##########]100", LiveView.bar(100));
        assertEquals("-", LiveView.bar(-1));
    }
}
