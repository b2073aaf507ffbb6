package org.bwcdock.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text that came from a camera or the network, made safe to show: every control character (C0,
 * DEL, C1, including newline and ESC), the Unicode line separators and the bidirectional overrides
 * become visible escapes, and a backslash is doubled, so an escaped text reads back unambiguously
 * and can never forge a log line, move a terminal's cursor or reorder what a reader sees.
 * A file name that is not valid UTF-8 keeps its bytes: each byte that does not decode shows as
 * {@code \xNN}, whether given as bytes ({@link #fromBytes}) or as a {@link NameBytes} string.
 */
public final class SafeText {
    private SafeText() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = Character.isSurrogate(c) ? escapeOfSurrogate(s, i) : escapeOf(c);
            if (e != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (e != null) {
                    out.append(e);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * A byte of a name that is not UTF-8 ({@link NameBytes#decode}) shows as {@code \xNN}, like
     * {@link #fromBytes} shows it; any other unpaired surrogate by its code unit; a pair stays.
     */
    private static String escapeOfSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (NameBytes.isEscapedByte(s, i)) {
            return String.format("\\x%02x", c & 0xff);
        }
        boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        return paired ? null : String.format("\\u%04x", (int) c);
    }

    private static String escapeOf(char c) {
        switch (c) {
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f' || c == '\u061c') {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    /** Raw name bytes as text: valid UTF-8 decoded, each byte that is not shown as {@code \xNN}; then escaped. */
    public static String fromBytes(byte[] raw) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return escape(strict.decode(ByteBuffer.wrap(raw)).toString());
        } catch (CharacterCodingException e) {
            // Decode piece by piece: the valid runs as text, every undecodable byte as \xNN.
            StringBuilder out = new StringBuilder(raw.length + 16);
            ByteBuffer in = ByteBuffer.wrap(raw);
            CharBuffer chars = CharBuffer.allocate(raw.length);
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            while (in.hasRemaining()) {
                chars.clear();
                var result = d.decode(in, chars, true);
                chars.flip();
                out.append(escape(chars.toString()));
                if (result.isError()) {
                    for (int i = 0; i < result.length(); i++) {
                        out.append(String.format("\\x%02x", in.get() & 0xff));
                    }
                } else {
                    break;
                }
            }
            return out.toString();
        }
    }
}
