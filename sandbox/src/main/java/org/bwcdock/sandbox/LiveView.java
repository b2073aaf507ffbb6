package org.bwcdock.sandbox;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * The sandbox's bay table. On a terminal it redraws in place (ANSI cursor-up) and fits 80
 * columns; when stdout is not a terminal it prints one plain line per change instead.
 */
final class LiveView {
    static final int WIDTH = 80;
    private static final int BAR = 10;

    private final PrintStream out;
    private final boolean terminal;
    private List<BayRow> shown = List.of();
    private int linesDrawn;

    LiveView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Draws the rows if anything changed. */
    synchronized void show(List<BayRow> rows) {
        if (rows.equals(shown)) {
            return;
        }
        if (terminal) {
            redraw(rows);
        } else {
            for (BayRow row : rows) {
                if (!shown.contains(row)) {
                    out.println(plain(row));
                }
            }
        }
        shown = List.copyOf(rows);
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

    private void redraw(List<BayRow> rows) {
        StringBuilder b = new StringBuilder();
        if (linesDrawn > 0) {
            b.append("\033[").append(linesDrawn).append('F');
        }
        String header = String.format("%-3s %-10s %-12s %4s %-15s %-15s %s", "bay", "camera", "officer", "batt",
                "ingest", "upload", "light");
        b.append("\033[2K").append(fit(header)).append('\n');
        for (BayRow r : rows) {
            b.append("\033[2K").append(fit(row(r))).append('\n');
            b.append("\033[2K").append(fit("    " + Objects.toString(r.lastEvent(), ""))).append('\n');
        }
        out.print(b);
        out.flush();
        linesDrawn = 1 + 2 * rows.size();
    }

    static String row(BayRow r) {
        return String.format("%-3d %-10s %-12s %4s %-15s %-15s %s", r.bay(), cut(r.camera(), 10), cut(r.officer(), 12),
                r.batteryPercent() < 0 ? "?" : r.batteryPercent() + "%", bar(r.ingestPercent()), bar(r.uploadPercent()),
                r.light());
    }

    static String plain(BayRow r) {
        return "bay " + r.bay() + ": camera " + dash(r.camera()) + ", officer " + dash(r.officer()) + ", battery "
                + (r.batteryPercent() < 0 ? "?" : r.batteryPercent() + "%") + ", ingest " + percent(r.ingestPercent())
                + ", upload " + percent(r.uploadPercent()) + ", light " + r.light()
                + (r.lastEvent() == null || r.lastEvent().isEmpty() ? "" : " — " + r.lastEvent());
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
