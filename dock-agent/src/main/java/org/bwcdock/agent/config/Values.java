package org.bwcdock.agent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks of single values (sizes, durations, URIs, paths), each recording a problem under its key
 * instead of throwing. Relative paths resolve against the config file's directory.
 */
final class Values {
    private final Path base;

    Values(Path base) {
        this.base = base;
    }

    static String matching(Table t, String key, String v, Pattern p, String what) {
        if (!p.matcher(v).matches()) {
            t.problem(key, quote(v) + " " + what);
        }
        return v;
    }

    static Optional<Long> size(Table t, String key, String v, long min, long max) {
        Optional<Long> n = Units.bytes(v);
        if (n.isEmpty()) {
            t.problem(key, quote(v) + " is not a size like \"64 MiB\" or \"2 GB\"");
        } else if (n.get() < min || n.get() > max) {
            t.problem(key, quote(v) + " is out of range (" + min + ".." + max + " bytes)");
            return Optional.empty();
        }
        return n;
    }

    static Optional<Duration> duration(Table t, String key, String v, Duration min, Duration max) {
        Optional<Duration> d = Units.duration(v);
        if (d.isEmpty()) {
            t.problem(key, quote(v) + " is not a duration like \"30s\", \"1500ms\", \"5m\" or \"1h\"");
        } else if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
            t.problem(key, quote(v) + " is out of range (" + min + ".." + max + ")");
            return Optional.empty();
        }
        return d;
    }

    /** Off the loopback, only the secure scheme is accepted: footage and commands never cross a network in clear. */
    static Optional<URI> uri(Table t, String key, String v, Set<String> schemes, String secure) {
        URI u;
        try {
            u = new URI(v);
        } catch (URISyntaxException e) {
            t.problem(key, quote(v) + " is not a URI: " + e.getReason());
            return Optional.empty();
        }
        if (u.getScheme() == null || !schemes.contains(u.getScheme()) || u.getHost() == null) {
            t.problem(key, quote(v) + " must look like " + secure + "://host:port");
            return Optional.empty();
        }
        if (!u.getScheme().equals(secure) && !isLoopback(u.getHost())) {
            t.problem(key, quote(v) + " is not encrypted: use " + secure + ":// (plain " + u.getScheme()
                    + " is allowed only to 127.0.0.1, ::1 or localhost)");
            return Optional.empty();
        }
        return Optional.of(u);
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    static String relative(Table t, String key, String v) {
        if (v.isEmpty() || v.startsWith("/") || Path.of(v).normalize().startsWith("..") || v.contains("/../")
                || v.equals("..") || v.endsWith("/..") || v.indexOf('\0') >= 0) {
            t.problem(key, quote(v) + " must be a path inside the camera volume (relative, no '..')");
        }
        return v;
    }

    Path path(Table t, String key, String v) {
        if (v.isBlank() || v.indexOf('\0') >= 0) {
            t.problem(key, quote(v) + " is not a path");
            return null;
        }
        return base.resolve(v).normalize();
    }

    Path existingDirectory(Table t, String key, String v) {
        Path p = path(t, key, v);
        if (p != null && !Files.isDirectory(p)) {
            t.problem(key, p + " is not an existing directory");
        }
        return p;
    }

    Path readableFile(Table t, String key, String v) {
        Path p = path(t, key, v);
        if (p != null && (!Files.isRegularFile(p) || !Files.isReadable(p))) {
            t.problem(key, p + (Files.exists(p) ? " is not a readable file" : " does not exist"));
        }
        return p;
    }

    /** A private key readable by anyone but its owner is refused: it identifies the dock. */
    Path privateKeyFile(Table t, String key, String v) {
        Path p = readableFile(t, key, v);
        if (p != null && Files.isRegularFile(p)) {
            try {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (!mode.substring(3).equals("------")) {
                    t.problem(key, p + " has mode " + mode + "; a private key must be 0600 or 0400 (chmod 600 " + p + ")");
                }
            } catch (IOException | UnsupportedOperationException e) {
                t.problem(key, p + ": cannot read its permissions: " + e.getMessage());
            }
        }
        return p;
    }

    /** One of {@code choices}, named in the file by its lower-case name; a problem listing them otherwise. */
    static <E extends Enum<E>> E choice(Table t, String key, String v, E[] choices) {
        for (E c : choices) {
            if (c.name().toLowerCase(Locale.ROOT).equals(v)) {
                return c;
            }
        }
        t.problem(key, quote(v) + " is not one of " + Arrays.stream(choices)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        return null;
    }

    static String quote(String v) {
        return "\"" + v + "\"";
    }
}
