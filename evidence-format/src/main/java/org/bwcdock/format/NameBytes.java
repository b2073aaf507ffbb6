package org.bwcdock.format;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names are bytes. A camera's filesystem may hold a name that is not valid UTF-8; the dock
 * must still read, record and delete that file, and {@code evidence open} must give it back under
 * the very same bytes.
 *
 * <p>In memory a name is a {@code String} that loses nothing: valid UTF-8 decodes as usual, and
 * each byte that does not decode becomes the unpaired surrogate {@code U+DC00 + byte} (as Python's
 * "surrogateescape"). Valid UTF-8 never decodes to an unpaired surrogate, so the mapping is
 * one-to-one and {@link #encode} undoes it. {@link SafeText#escape} shows such a char as
 * {@code \xNN}, the same as {@link SafeText#fromBytes} shows the byte. Such a string must not be
 * encoded as UTF-8 by anyone else (that would turn the surrogates into {@code ?}): store
 * {@link #encode} or {@link SafeText#fromBytes}.
 *
 * <p>Between bytes and {@link Path}: {@code java.nio} on Linux keeps a path's bytes, but converting a
 * {@code String} to a path (and back) goes through {@code sun.jnu.encoding}, which follows the locale
 * (measured, docs/manifest.md: under {@code LANG=C} even {@code café} is refused). A path's
 * {@link Path#toUri()} however percent-encodes its raw bytes, and {@link Path#of(URI)} decodes them to
 * bytes again, in any locale: {@link #relative} and {@link #resolve} go that way.
 */
public final class NameBytes {
    private NameBytes() {
    }

    /** The name's bytes as a lossless string (class comment). */
    public static String decode(byte[] raw) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) {
                    out.put((char) (0xDC00 | (in.get() & 0xff)));
                }
            } else {
                break;
            }
        }
        d.flush(out);
        return out.flip().toString();
    }

    /** The bytes of a name made by {@link #decode} (or any string: UTF-8, escaped bytes given back). */
    public static byte[] encode(String name) {
        if (!hasRawBytes(name)) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isEscapedByte(name, i)) {
                out.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(c & 0xff);
                start = i + 1;
            }
        }
        out.writeBytes(name.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** True if the name holds bytes that are not UTF-8 (escaped as unpaired surrogates). */
    public static boolean hasRawBytes(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (isEscapedByte(name, i)) {
                return true;
            }
        }
        return false;
    }

    /** An unpaired U+DC80..U+DCFF: a byte of a name that is not UTF-8. */
    static boolean isEscapedByte(String s, int i) {
        char c = s.charAt(i);
        return c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    /** Below a regular file: a path there never exists, so {@link Path#toUri()} finds nothing to look at. */
    private static final Path NOWHERE = Path.of("/dev/null");

    /**
     * The bytes of {@code path}'s last name, whatever the locale, without touching {@code path}:
     * {@link Path#toUri()} stats its path (following a link) to decide on a trailing '/', so it is
     * asked about the same name below {@code /dev/null}, where nothing can be.
     */
    public static byte[] fileName(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            return new byte[0];
        }
        byte[] all = percentDecoded(NOWHERE.resolve(name).toUri().getRawPath());
        int from = percentDecoded(NOWHERE.toUri().getRawPath()).length;
        if (all.length > from && all[from] == '/') {
            from++;
        }
        byte[] out = new byte[all.length - from];
        System.arraycopy(all, from, out, 0, out.length);
        return out;
    }

    /**
     * The '/'-separated bytes of {@code path} below {@code root}, whatever the locale. Like
     * {@link Path#toUri()}, this stats {@code path}: for a camera's entries use {@link #fileName}.
     *
     * @throws IllegalArgumentException if {@code path} is not below {@code root}
     */
    public static byte[] relative(Path root, Path path) {
        byte[] base = percentDecoded(root.toAbsolutePath().toUri().getRawPath());
        byte[] all = percentDecoded(path.toAbsolutePath().toUri().getRawPath());
        int from = base.length;
        if (from > 0 && base[from - 1] != '/') {
            from++;
        }
        int to = all.length;
        while (to > from && all[to - 1] == '/') {
            to--; // toUri() adds a '/' after a directory
        }
        if (from > to || !startsWith(all, base)) {
            throw new IllegalArgumentException(path + " is not below " + root);
        }
        byte[] out = new byte[to - from];
        System.arraycopy(all, from, out, 0, out.length);
        return out;
    }

    /**
     * {@code root} joined with the '/'-separated name bytes {@code relative}, byte for byte.
     *
     * @throws IllegalArgumentException naming the problem if {@code relative} is empty, absolute,
     *                                  holds a NUL, an empty, "." or ".." component: it could leave {@code root}
     */
    public static Path resolve(Path root, byte[] relative) {
        if (relative.length == 0 || relative[0] == '/') {
            throw new IllegalArgumentException("name " + SafeText.fromBytes(relative) + " is empty or absolute");
        }
        StringBuilder uri = new StringBuilder(root.toAbsolutePath().toUri().toString());
        if (uri.charAt(uri.length() - 1) != '/') {
            uri.append('/');
        }
        int componentStart = 0;
        for (int i = 0; i <= relative.length; i++) {
            if (i == relative.length || relative[i] == '/') {
                int len = i - componentStart;
                boolean dots = len == 1 && relative[componentStart] == '.'
                        || len == 2 && relative[componentStart] == '.' && relative[componentStart + 1] == '.';
                if (len == 0 || dots) {
                    throw new IllegalArgumentException("name " + SafeText.fromBytes(relative) + " has an empty, \".\" or \"..\" part");
                }
                componentStart = i + 1;
                if (i < relative.length) {
                    uri.append('/');
                }
                continue;
            }
            int b = relative[i] & 0xff;
            if (b == 0) {
                throw new IllegalArgumentException("name " + SafeText.fromBytes(relative) + " holds a NUL byte");
            }
            if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_') {
                uri.append((char) b);
            } else {
                uri.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return Path.of(URI.create(uri.toString()));
    }

    /** {@link #resolve} of a name made by {@link #decode}. */
    public static Path resolve(Path root, String relative) {
        return resolve(root, encode(relative));
    }

    private static boolean startsWith(byte[] all, byte[] prefix) {
        if (all.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (all[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] percentDecoded(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c); // toUri() percent-encodes every byte but some ASCII
            }
        }
        return out.toByteArray();
    }
}
