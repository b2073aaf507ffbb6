package org.bwcdock.sandbox;

import org.bwcdock.agent.events.BayView;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * The sandbox's bay table, drawn from the agent's {@link BayView}s (the same view MQTT publishes).
 * On a terminal it redraws in place (ANSI cursor-up) and fits 80 columns; when stdout is not a
 * terminal it prints one plain line per change instead. A change is a change of what is shown:
 * progress within the same percent draws nothing.
 */
final class LiveView {
    static final int WIDTH = 80;
    private static final int BAR = 10;

    private final PrintStream out;
    private final boolean terminal;
    private List<BayView> shown = List.of();
    private List<String> shownLines = List.of();
    private int linesDrawn;

    LiveView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Draws the rows if anything changed. */
    synchronized void show(List<BayView> rows) {
        List<String> lines = rows.stream().map(LiveView::plain).toList();
        if (lines.equals(shownLines)) {
            return;
        }
        if (terminal) {
            redraw(rows);
        } else {
            for (String line : lines) {
                if (!shownLines.contains(line)) {
                    out.println(line);
                }
            }
        }
        shown = List.copyOf(rows);
        shownLines = lines;
    }

    /** Plain lines (logs, events) go above the table without tearing it. */
    synchronized void message(String line) {
        if (terminal && linesDrawn > 0) {
            out.print("\033[" + linesDrawn + "F\033[J");
            linesDrawn = 0;
            out.println(fit(line));
            redraw(shown);
        } else {
            out.println(line);
        }
    }

    private void redraw(List<BayView> rows) {
        StringBuilder b = new StringBuilder();
        if (linesDrawn > 0) {
            b.append("\033[").append(linesDrawn).append('F');
        }
        String header = String.format("%-3s %-10s %-12s %4s %-15s %-15s %s", "bay", "camera", "officer", "batt",
                "ingest", "upload", "phase");
        b.append("\033[2K").append(fit(header)).append('\n');
        for (BayView r : rows) {
            b.append("\033[2K").append(fit(row(r))).append('\n');
            b.append("\033[2K").append(fit("    " + Objects.toString(r.lastEvent(), ""))).append('\n');
        }
        out.print(b);
        out.flush();
        linesDrawn = 1 + 2 * rows.size();
    }

    static String row(BayView r) {
        return String.format("%-3d %-10s %-12s %4s %-15s %-15s %s", r.bay(), cut(r.cameraId(), 10), cut(r.officerId(), 12),
                battery(r), bar(r.ingestPercent()), bar(r.uploadPercent()), r.phase().wireName());
    }

    static String plain(BayView r) {
        return "bay " + r.bay() + ": camera " + dash(r.cameraId()) + ", officer " + dash(r.officerId()) + ", battery "
                + battery(r) + ", ingest " + percent(r.ingestPercent()) + ", upload " + percent(r.uploadPercent())
                + ", phase " + r.phase().wireName() + (r.lastEvent().isEmpty() ? "" : " — " + r.lastEvent());
    }

    private static String battery(BayView r) {
        return r.batteryPercent().isPresent() ? r.batteryPercent().getAsInt() + "%" : "?";
    }

    /** {@code [#####     ] 50%}: 15 characters. */
    static String bar(int percent) {
        if (percent < 0) {
            return "-";
        }
        int p = Math.min(100, percent);
        int filled = p * BAR / 100;
        return "[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "]" + String.format("%3d", p);
    }

    private static String percent(int p) {
        return p < 0 ? "-" : p + "%";
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String cut(String s, int n) {
        String v = dash(s);
        return v.length() <= n ? v : v.substring(0, n - 1) + "…";
    }

    private static String fit(String line) {
        return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 1) + "…";
    }
}
