package org.bwcdock.fleet;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The morning reconciliation: every dock and every camera, with last docked, files waiting for a
 * receipt, the oldest of them, and alarms; as aligned text tables or as CSV. Text from the broker
 * is shown with control characters replaced, and CSV cells that a spreadsheet would run as a
 * formula are quoted as text.
 */
public final class Report {
    static final List<String> DOCK_COLUMNS = List.of("dock", "state", "last_seen", "version", "spool_percent", "outbox", "bays", "bays_safe", "alarms");
    static final List<String> CAMERA_COLUMNS = List.of("camera", "dock", "bay", "officer", "last_docked", "files_waiting", "oldest_unreceipted", "alarms");

    private static final java.util.Set<String> DOCK_KINDS = java.util.Set.of("dock-offline", "spool-full", "unhealthy", "bay-error");

    private final List<List<String>> docks = new ArrayList<>();
    private final List<List<String>> cameras = new ArrayList<>();
    private final List<Alarms.Alarm> alarms;
    private final int malformed;

    public Report(Fleet fleet, AlarmRules rules, Instant now) {
        this.alarms = Alarms.of(fleet, rules, now);
        this.malformed = fleet.malformed();
        for (Fleet.Dock d : fleet.docks()) {
            long safe = d.bays().values().stream().filter(b -> b.path("phase").asText().equals("safe")).count();
            docks.add(List.of(d.id(), d.state(), time(d.lastSeen()), Fleet.text(d.birth(), "agentVersion").orElse(""),
                    d.spoolPercent().map(String::valueOf).orElse(""), d.health().path("outboxDepth").isIntegralNumber()
                            ? d.health().path("outboxDepth").asText() : "",
                    Integer.toString(d.bays().size()), Long.toString(safe), kinds(alarms, a -> a.dockId().equals(d.id()) && DOCK_KINDS.contains(a.kind()))));
        }
        for (Fleet.Camera c : fleet.cameras()) {
            cameras.add(List.of(c.id(), c.dockId(), c.bay().map(String::valueOf).orElse("out"), c.officer().orElse(""), time(c.lastDocked()),
                    c.filesWaiting().map(String::valueOf).orElse("?"), time(c.oldestUnreceipted()),
                    kinds(Alarms.of(c, rules, now), a -> true)));
        }
    }

    public List<Alarms.Alarm> alarms() {
        return alarms;
    }

    List<List<String>> dockRows() {
        return docks;
    }

    List<List<String>> cameraRows() {
        return cameras;
    }

    /** Both tables and the alarm list, for a terminal. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("DOCKS\n").append(table(DOCK_COLUMNS, docks)).append('\n');
        b.append("CAMERAS\n").append(table(CAMERA_COLUMNS, cameras)).append('\n');
        b.append("ALARMS (").append(alarms.size()).append(")\n");
        if (alarms.isEmpty()) {
            b.append("  none\n");
        }
        alarms.forEach(a -> b.append("  ").append(a.kind()).append(": ").append(printable(a.text())).append('\n'));
        if (malformed > 0) {
            b.append("note: ").append(malformed).append(" retained message(s) were not JSON objects and were left out\n");
        }
        return b.toString();
    }

    public String docksCsv() {
        return csv(DOCK_COLUMNS, docks);
    }

    public String camerasCsv() {
        return csv(CAMERA_COLUMNS, cameras);
    }

    private static String table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header.stream().map(h -> h.toUpperCase(java.util.Locale.ROOT).replace('_', ' ')).toList());
        rows.forEach(r -> all.add(r.stream().map(v -> v.isEmpty() ? "-" : printable(v)).toList()));
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format("%-" + width[i] + "s", r.get(i))).append(i < r.size() - 1 ? "  " : "");
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        if (rows.isEmpty()) {
            b.append("(none)\n");
        }
        return b.toString();
    }

    private static String csv(List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder(String.join(",", header)).append("\r\n");
        for (List<String> r : rows) {
            b.append(r.stream().map(Report::cell).collect(Collectors.joining(","))).append("\r\n");
        }
        return b.toString();
    }

    /** RFC 4180 quoting; a leading = + - @ (a formula to a spreadsheet) gets a ' so it stays text. */
    static String cell(String v) {
        String s = v;
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+")) {
            s = "'" + s;
        }
        return s.matches("[^,\"\r\n]*") ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    static String printable(String s) {
        return s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static String time(Optional<Instant> t) {
        return t.map(i -> i.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("");
    }

    private static String kinds(List<Alarms.Alarm> list, java.util.function.Predicate<Alarms.Alarm> which) {
        return list.stream().filter(which).map(Alarms.Alarm::kind).distinct().collect(Collectors.joining(" "));
    }
}
