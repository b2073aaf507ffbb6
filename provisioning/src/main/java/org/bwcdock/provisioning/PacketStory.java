package org.bwcdock.provisioning;

import org.bwcdock.format.AuditRows;
import org.bwcdock.format.Manifest;

import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The court packet's plain-language lines: what the clocks and the audit rows say, for README.txt and timeline.html. */
final class PacketStory {
    private PacketStory() {
    }

    static String dockClock(Manifest m) {
        if (m.clock() == null) {
            return "not recorded (manifest written before docks recorded it)";
        }
        Manifest.DockClock d = m.clock().dock();
        if (d.source().equals("unavailable")) {
            return "unknown (the dock could not read its clock's state)";
        }
        return (d.synchronised() ? "synchronised by NTP" : "NOT synchronised") + ", maximum error "
                + seconds(d.maxErrorMicros() / 1000) + " (kernel clock state)";
    }

    static String cameraClock(Manifest m) {
        if (m.clock() == null) {
            return "not recorded";
        }
        Manifest.CameraClock c = m.clock().camera();
        if (c.offsetMillis() == null) {
            return "not measured";
        }
        long off = c.offsetMillis();
        String how = c.source().equals("file-times") ? " (from the newest file's time)" : " (from the camera's own time)";
        String text = c.lowerBound()
                ? (off > 0 ? "at least " + seconds(off) + " ahead of the dock's" : "not ahead of the dock's")
                : seconds(Math.abs(off)) + (off >= 0 ? " ahead of" : " behind") + " the dock's";
        return text + how + (c.skewed() ? ": MORE than the allowed " + seconds(c.skewLimitMillis()) : "");
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String auditText(Optional<PacketAudit.Extract> audit) {
        if (audit.isEmpty()) {
            return "The dock's audit rows are not in this packet (made without the dock's audit export).";
        }
        PacketAudit.Extract a = audit.get();
        return "audit/rows.tsv holds the dock's audit log from this file's first entry on: " + a.shown()
                + " rows about this file and its camera in full, every other row (other cases) only as a fingerprint, so"
                + "\nthat the chain of rows can be checked unbroken. audit/checkpoint.json, signed by the dock"
                + " (audit/checkpoint.p7s), states\nthe fingerprint of row " + a.checkpoint().seq() + " at "
                + a.checkpoint().at() + "; VERIFY.sh checks every row and that link.";
    }

    /** The timeline's "wiped" step: the dock's audit row that released (wiped) the file, or "not in this packet". */
    static String wipedStep(Optional<PacketAudit.Extract> audit, UnaryOperator<String> html) {
        Optional<AuditRows.Row> wiped = audit.flatMap(a -> a.rows().stream()
                .filter(r -> r.isShown() && r.action().equals("file-released")).findFirst());
        if (wiped.isEmpty()) {
            return "<li class=\"missing\"><div class=\"when\">not in this packet</div>\n"
                    + "    <div class=\"what\">Wiped from the camera (the dock's audit rows record it)</div></li>";
        }
        AuditRows.Row r = wiped.get();
        boolean signed = r.seq() <= audit.get().checkpoint().seq();
        return "<li><div class=\"when\">" + Instant.ofEpochMilli(r.at()) + " <small>(dock clock)</small></div>\n"
                + "    <div class=\"what\">Wiped from the camera, after the receipt</div>\n"
                + "    <table><tr><td>dock audit row</td><td>" + r.seq() + ": <code>" + html.apply(r.action() + " " + r.subject())
                + "</code></td></tr>\n      <tr><td>row fingerprint</td><td><code>" + r.hash() + "</code></td></tr>\n"
                + "      <tr><td>signed by the dock</td><td>" + (signed ? "yes, in its checkpoint of row " + audit.get().checkpoint().seq()
                : "linked to the rows before it; not yet in a signed checkpoint") + "</td></tr></table></li>";
    }
}
