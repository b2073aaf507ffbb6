package org.bwcdock.format;

import org.bwcdock.format.pki.Digests;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The dock's audit rows as they leave it: the row hash of scheme 2, and the text form of an
 * export and of a court packet's {@code audit/rows.tsv} (docs/manifest.md, "Audit rows"). Scheme 2
 * hashes lines of text, so that a shell with {@code printf} and {@code sha256sum} recomputes every
 * row; and it hashes a row's fields apart from its place in the chain, so that a packet can show
 * the rows about its file and only the fields' hash of every other row (other cases stay private)
 * while the chain still links from the first row to the signed checkpoint.
 *
 * <pre>
 * fields = SHA-256( actor TAB action TAB subject TAB detail LF )
 * hash   = SHA-256( "bwcdock-audit-2" TAB seq TAB at TAB fields TAB prev LF )
 * </pre>
 * Fields are stored escaped ({@link SafeText}): none holds a tab, a line break or another control
 * character, so the lines are unambiguous.
 */
public final class AuditRows {
    public static final int SCHEME = 2;
    public static final String GENESIS = "0".repeat(64);
    private static final String HEADER = "# bwcdock audit rows, scheme 2: R seq at =actor =action =subject =detail prev hash"
            + " | H seq at fields prev hash (docs/manifest.md)";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private AuditRows() {
    }

    /**
     * One row of the chain, its fields shown ({@code fields == null} never) or hidden (only their hash).
     *
     * @param actor null when hidden (and so action, subject, detail)
     */
    public record Row(long seq, long at, String actor, String action, String subject, String detail, String fields,
                      String prev, String hash) {
        public Row {
            Objects.requireNonNull(fields, "fields");
            Objects.requireNonNull(prev, "prev");
            Objects.requireNonNull(hash, "hash");
        }

        /** A row with its fields, their hash computed. */
        public static Row shown(long seq, long at, String actor, String action, String subject, String detail, String prev,
                                String hash) {
            return new Row(seq, at, actor, action, subject, detail, fieldsHash(actor, action, subject, detail), prev, hash);
        }

        public boolean isShown() {
            return actor != null;
        }

        /** The same row with only its fields' hash: it still links the chain. */
        public Row hidden() {
            return new Row(seq, at, null, null, null, null, fields, prev, hash);
        }

        /** The hash this row must have, recomputed from what it shows. */
        public String recomputed() {
            return rowHash(seq, at, fields, prev);
        }
    }

    public static String fieldsHash(String actor, String action, String subject, String detail) {
        for (String f : new String[] {actor, action, subject, detail}) {
            if (f.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("an audit field holds a control character (fields are stored escaped)");
            }
        }
        return sha256(actor + "\t" + action + "\t" + subject + "\t" + detail + "\n");
    }

    public static String rowHash(long seq, long at, String fields, String prev) {
        return sha256("bwcdock-audit-" + SCHEME + "\t" + seq + "\t" + at + "\t" + fields + "\t" + prev + "\n");
    }

    private static String sha256(String line) {
        return Digests.sha256Hex(line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The first problem of a run of consecutive rows, or null: each row's hash recomputes, each links
     * to the one before it, sequence numbers follow one another.
     */
    public static String problem(List<Row> rows) {
        Row before = null;
        for (Row r : rows) {
            if (!r.recomputed().equals(r.hash())) {
                return "row " + r.seq() + ": its hash does not recompute (altered)";
            }
            if (before != null && r.seq() != before.seq() + 1) {
                return "row " + r.seq() + " follows row " + before.seq() + " (rows are missing)";
            }
            if (before != null && !r.prev().equals(before.hash())) {
                return "row " + r.seq() + " does not link to row " + before.seq();
            }
            before = r;
        }
        return null;
    }

    /** The text form: a header line, then one line per row (shown fields are prefixed '=' so none is empty). */
    public static byte[] format(List<Row> rows) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            if (r.isShown()) {
                b.append("R\t").append(r.seq()).append('\t').append(r.at()).append("\t=").append(r.actor()).append("\t=")
                        .append(r.action()).append("\t=").append(r.subject()).append("\t=").append(r.detail()).append('\t')
                        .append(r.prev()).append('\t').append(r.hash()).append('\n');
            } else {
                b.append("H\t").append(r.seq()).append('\t').append(r.at()).append('\t').append(r.fields()).append('\t')
                        .append(r.prev()).append('\t').append(r.hash()).append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws FormatException naming the line that is malformed */
    public static List<Row> parse(byte[] text) throws FormatException {
        List<Row> rows = new ArrayList<>();
        String[] lines = new String(text, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1 || line.startsWith("#")) {
                continue;
            }
            String where = "audit rows line " + (i + 1);
            String[] f = line.split("\t", -1);
            if (f[0].equals("R") && f.length == 9) {
                for (int k = 3; k <= 6; k++) {
                    if (!f[k].startsWith("=")) {
                        throw new FormatException(where + ": field " + (k + 1) + " does not start with '='");
                    }
                }
                Row r;
                try {
                    r = Row.shown(number(f[1], where), number(f[2], where), f[3].substring(1), f[4].substring(1),
                            f[5].substring(1), f[6].substring(1), sha(f[7], where), sha(f[8], where));
                } catch (IllegalArgumentException e) {
                    throw new FormatException(where + ": " + e.getMessage());
                }
                rows.add(r);
            } else if (f[0].equals("H") && f.length == 6) {
                rows.add(new Row(number(f[1], where), number(f[2], where), null, null, null, null, sha(f[3], where),
                        sha(f[4], where), sha(f[5], where)));
            } else {
                throw new FormatException(where + ": not a row (R with 9 fields or H with 6, tab-separated)");
            }
        }
        return rows;
    }

    private static long number(String s, String where) throws FormatException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new FormatException(where + ": " + SafeText.escape(s) + " is not a number");
        }
    }

    private static String sha(String s, String where) throws FormatException {
        if (!SHA256.matcher(s).matches()) {
            throw new FormatException(where + ": " + SafeText.escape(s) + " is not a SHA-256 in lowercase hex");
        }
        return s;
    }
}
