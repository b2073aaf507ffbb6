package org.bwcdock.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.bwcdock.agent.config.AgentConfig.Bay;
import org.bwcdock.agent.config.AgentConfig.BatteryGauge;
import org.bwcdock.agent.config.AgentConfig.CameraIdSource;
import org.bwcdock.agent.config.AgentConfig.CameraProfile;
import org.bwcdock.agent.config.AgentConfig.Evidence;
import org.bwcdock.agent.config.AgentConfig.Hardware;
import org.bwcdock.agent.config.AgentConfig.Identity;
import org.bwcdock.agent.config.AgentConfig.Leds;
import org.bwcdock.agent.config.AgentConfig.Logging;
import org.bwcdock.agent.config.AgentConfig.Mqtt;
import org.bwcdock.agent.config.AgentConfig.Policy;
import org.bwcdock.agent.config.AgentConfig.Spool;
import org.bwcdock.agent.config.AgentConfig.Usb;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads agent.toml into an {@link AgentConfig}, or fails with every problem at once, each naming
 * its key path ({@code bays[2].usbPort: "x" is not a USB port path like 1-1.2}).
 */
public final class ConfigLoader {
    /** Used in certificate CNs and MQTT topics: no '/', '+', '#' or spaces. */
    private static final Pattern DOCK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern USB_PORT = Pattern.compile("[1-9][0-9]*-[1-9][0-9]*(\\.[1-9][0-9]*){0,6}");
    private static final Pattern USB_ID = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{4}");
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern BADGE_UID = Pattern.compile("[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20}");
    private static final Pattern OFFICER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final int MAX_BAYS = 64;
    private static final int MAX_GPIO = 53;

    private final List<String> problems = new ArrayList<>();
    private final Path base;

    private ConfigLoader(Path base) {
        this.base = base;
    }

    /** Loads and validates {@code file}; relative paths inside it are resolved against its directory. */
    public static AgentConfig load(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.newInputStream(absolute));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("file not found"));
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ": ";
            throw new ConfigException(file.toString(), List.of(where + "not valid TOML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file.toString(), List.of("empty file"));
        }
        ConfigLoader loader = new ConfigLoader(absolute.getParent());
        AgentConfig config = loader.read(new Table((ObjectNode) root, "", loader.problems));
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(file.toString(), loader.problems);
        }
        return config;
    }

    private AgentConfig read(Table root) {
        String dockId = root.requiredString("dockId").map(v -> matching(root, "dockId", v, DOCK_ID,
                "is not a dock id (letters, digits, '.', '_', '-'; at most 64)")).orElse(null);
        Hardware hardware = root.string("hardware").map(v -> hardware(root, v)).orElse(Hardware.NONE);
        Path state = root.requiredString("stateDirectory").map(v -> path(root, "stateDirectory", v)).orElse(null);

        Logging logging = root.table("logging").map(this::logging).orElse(new Logging("INFO"));
        Identity identity = root.table("identity").map(this::identity).orElse(null);
        if (!root.has("identity")) {
            root.problem("identity", "missing (required: the dock's certificate and key sign every manifest)");
        }
        Spool spool = root.table("spool").map(this::spool).orElse(null);
        if (!root.has("spool")) {
            root.problem("spool", "missing (required)");
        }
        Usb usb = root.table("usb").map(this::usb).orElse(defaultUsb());
        List<Bay> bays = bays(root);
        List<CameraProfile> profiles = profiles(root);
        Optional<Mqtt> mqtt = root.table("mqtt").map(this::mqtt);
        Optional<Evidence> evidence = root.table("evidence").map(this::evidence);
        if (!root.has("evidence")) {
            root.problem("evidence", "missing (required: the recipients' certificates the footage is encrypted for, and the receiver)");
        }
        Policy policy = root.table("policy").map(this::policy).orElse(new Policy(true, 80));
        Map<String, String> badges = root.table("badges").map(this::badges).orElse(Map.of());
        root.rejectUnknownKeys();

        if (!problems.isEmpty()) {
            return null;
        }
        return new AgentConfig(dockId, hardware, state, logging, identity, spool, usb, bays, profiles,
                mqtt, evidence, policy, badges);
    }

    private Hardware hardware(Table t, String v) {
        try {
            return Hardware.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            t.problem("hardware", quote(v) + " is not one of pi4j, simulated, none");
            return null;
        }
    }

    private Logging logging(Table t) {
        String level = t.string("level").map(v -> {
            String upper = v.toUpperCase(Locale.ROOT);
            if (!LOG_LEVELS.contains(upper)) {
                t.problem("level", quote(v) + " is not one of TRACE, DEBUG, INFO, WARN, ERROR");
            }
            return upper;
        }).orElse("INFO");
        t.rejectUnknownKeys();
        return new Logging(level);
    }

    private Identity identity(Table t) {
        Path cert = t.requiredString("certificate").map(v -> readableFile(t, "certificate", v)).orElse(null);
        Path key = t.requiredString("privateKey").map(v -> privateKeyFile(t, "privateKey", v)).orElse(null);
        t.rejectUnknownKeys();
        return new Identity(cert, key);
    }

    private Spool spool(Table t) {
        Path dir = t.requiredString("directory").map(v -> path(t, "directory", v)).orElse(null);
        long quota = t.requiredString("quota").flatMap(v -> size(t, "quota", v, 1L << 20, Long.MAX_VALUE)).orElse(0L);
        long part = t.string("partSize").flatMap(v -> size(t, "partSize", v, 1L << 10, 1L << 30)).orElse(64L << 20);
        if (quota > 0 && part > quota) {
            t.problem("partSize", part + " bytes is larger than spool.quota (" + quota + " bytes)");
        }
        t.rejectUnknownKeys();
        return new Spool(dir, quota, (int) part);
    }

    private static Usb defaultUsb() {
        return new Usb(Path.of("/sys"), Path.of("/dev"), Duration.ofSeconds(30), Duration.ofMillis(1500),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Optional.empty());
    }

    private Usb usb(Table t) {
        Usb d = defaultUsb();
        Path sys = t.string("sysRoot").map(v -> existingDirectory(t, "sysRoot", v)).orElse(d.sysRoot());
        Path dev = t.string("devRoot").map(v -> existingDirectory(t, "devRoot", v)).orElse(d.devRoot());
        Duration rescan = t.string("rescanInterval").flatMap(v -> duration(t, "rescanInterval", v, Duration.ofMillis(100), Duration.ofHours(1))).orElse(d.rescanInterval());
        Duration debounce = t.string("debounce").flatMap(v -> duration(t, "debounce", v, Duration.ZERO, Duration.ofMinutes(1))).orElse(d.debounce());
        Duration stable = t.string("stableInterval").flatMap(v -> duration(t, "stableInterval", v, Duration.ZERO, Duration.ofMinutes(10))).orElse(d.stableInterval());
        Duration read = t.string("readTimeout").flatMap(v -> duration(t, "readTimeout", v, Duration.ofSeconds(1), Duration.ofMinutes(10))).orElse(d.readTimeout());
        Optional<Path> volumes = t.string("simulatedVolumes").map(v -> existingDirectory(t, "simulatedVolumes", v));
        t.rejectUnknownKeys();
        return new Usb(sys, dev, rescan, debounce, stable, read, volumes);
    }

    private List<Bay> bays(Table root) {
        if (!root.has("bays")) {
            root.problem("bays", "missing (required: at least one [[bays]] table)");
            return List.of();
        }
        List<Table> tables = root.tables("bays");
        if (tables.size() > MAX_BAYS) {
            root.problem("bays", tables.size() + " bays; at most " + MAX_BAYS);
        }
        List<Bay> bays = new ArrayList<>();
        Map<Long, String> numbers = new HashMap<>();
        Map<String, String> ports = new HashMap<>();
        Set<Long> pins = new HashSet<>();
        for (Table t : tables) {
            Optional<Long> number = t.requiredInteger("number", 1, MAX_BAYS);
            number.ifPresent(n -> {
                String other = numbers.putIfAbsent(n, t.keyPath("number"));
                if (other != null) {
                    t.problem("number", n + " is already used by " + other);
                }
            });
            Optional<String> port = t.requiredString("usbPort").map(v -> {
                if (!USB_PORT.matcher(v).matches()) {
                    t.problem("usbPort", quote(v) + " is not a USB port path like 1-1.2");
                } else {
                    String other = ports.putIfAbsent(v, t.keyPath("usbPort"));
                    if (other != null) {
                        t.problem("usbPort", quote(v) + " is already used by " + other);
                    }
                }
                return v;
            });
            Optional<Leds> leds = t.table("leds").map(l -> leds(l, pins));
            Optional<BatteryGauge> gauge = t.table("batteryGauge").map(this::gauge);
            t.rejectUnknownKeys();
            if (number.isPresent() && port.isPresent()) {
                bays.add(new Bay(number.get().intValue(), port.get(), leds, gauge));
            }
        }
        return bays;
    }

    private Leds leds(Table t, Set<Long> usedPins) {
        long[] pin = new long[3];
        String[] names = {"green", "amber", "red"};
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            pin[i] = t.requiredInteger(name, 0, MAX_GPIO).orElse(-1L);
            if (pin[i] >= 0 && !usedPins.add(pin[i])) {
                t.problem(name, "GPIO " + pin[i] + " is used twice");
            }
        }
        t.rejectUnknownKeys();
        return new Leds((int) pin[0], (int) pin[1], (int) pin[2]);
    }

    private BatteryGauge gauge(Table t) {
        long bus = t.requiredInteger("bus", 0, 31).orElse(-1L);
        long address = t.requiredInteger("address", 0x03, 0x77).orElse(-1L);
        t.rejectUnknownKeys();
        return new BatteryGauge((int) bus, (int) address);
    }

    private List<CameraProfile> profiles(Table root) {
        if (!root.has("cameraProfiles")) {
            root.problem("cameraProfiles", "missing (required: at least one [[cameraProfiles]] table)");
            return List.of();
        }
        List<CameraProfile> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> usbIds = new HashMap<>();
        for (Table t : root.tables("cameraProfiles")) {
            String name = t.requiredString("name").map(v -> matching(t, "name", v, PROFILE_NAME,
                    "is not a profile name (letters, digits, '.', '_', '-')")).orElse(null);
            if (name != null && names.putIfAbsent(name, t.keyPath("name")) != null) {
                t.problem("name", quote(name) + " is already used by " + names.get(name));
            }
            if (!t.has("usbIds")) {
                t.problem("usbIds", "missing (required: [\"vendor:product\", ...])");
            }
            List<String> ids = t.strings("usbIds");
            for (String id : ids) {
                if (!USB_ID.matcher(id).matches()) {
                    t.problem("usbIds", quote(id) + " is not a USB id like 2a3b:0001 (lower-case hex vendor:product)");
                } else if (usbIds.putIfAbsent(id, t.keyPath("usbIds")) != null) {
                    t.problem("usbIds", quote(id) + " is already claimed by " + usbIds.get(id));
                }
            }
            if (t.has("usbIds") && ids.isEmpty()) {
                t.problem("usbIds", "must list at least one vendor:product");
            }
            List<String> footage = t.strings("footage");
            if (footage.isEmpty()) {
                t.problem("footage", "missing (required: globs like \"DCIM/**/*.MP4\")");
            }
            for (String glob : footage) {
                relative(t, "footage", glob);
            }
            long maxSize = t.string("maxFileSize").flatMap(v -> size(t, "maxFileSize", v, 1, Long.MAX_VALUE)).orElse(64L << 30);
            CameraIdSource idSource = t.string("cameraId").map(v -> switch (v) {
                case "usb-serial" -> CameraIdSource.USB_SERIAL;
                case "device-info" -> CameraIdSource.DEVICE_INFO;
                default -> {
                    t.problem("cameraId", quote(v) + " is not one of usb-serial, device-info");
                    yield null;
                }
            }).orElse(CameraIdSource.USB_SERIAL);
            Optional<String> info = t.string("deviceInfoFile").map(v -> relative(t, "deviceInfoFile", v));
            if (idSource == CameraIdSource.DEVICE_INFO && info.isEmpty()) {
                t.problem("deviceInfoFile", "missing (required when cameraId = \"device-info\")");
            }
            t.rejectUnknownKeys();
            out.add(new CameraProfile(name, ids, footage, maxSize, idSource, info));
        }
        return out;
    }

    private Mqtt mqtt(Table t) {
        if (!t.has("brokers")) {
            t.problem("brokers", "missing (required: [\"ssl://host:8883\", ...])");
        }
        List<URI> brokers = new ArrayList<>();
        for (String b : t.strings("brokers")) {
            uri(t, "brokers", b, Set.of("ssl", "tcp"), "ssl").ifPresent(brokers::add);
        }
        if (t.has("brokers") && brokers.isEmpty() && t.strings("brokers").isEmpty()) {
            t.problem("brokers", "must list at least one broker URI");
        }
        Optional<Path> anchors = t.string("trustAnchors").map(v -> readableFile(t, "trustAnchors", v));
        if (anchors.isEmpty() && brokers.stream().anyMatch(u -> u.getScheme().equals("ssl"))) {
            t.problem("trustAnchors", "missing (required for ssl:// brokers: the CA file that signed the broker's certificate)");
        }
        Duration keepAlive = t.string("keepAlive").flatMap(v -> duration(t, "keepAlive", v, Duration.ofSeconds(5), Duration.ofMinutes(30))).orElse(Duration.ofSeconds(30));
        Duration expiry = t.string("sessionExpiry").flatMap(v -> duration(t, "sessionExpiry", v, Duration.ZERO, Duration.ofDays(7))).orElse(Duration.ofHours(1));
        Duration maxDelay = t.string("maxReconnectDelay").flatMap(v -> duration(t, "maxReconnectDelay", v, Duration.ofSeconds(1), Duration.ofHours(1))).orElse(Duration.ofMinutes(2));
        int capacity = t.integer("outboxCapacity", 100, 10_000_000).orElse(100_000L).intValue();
        t.rejectUnknownKeys();
        return new Mqtt(brokers, anchors, keepAlive, expiry, maxDelay, capacity);
    }

    private Evidence evidence(Table t) {
        URI url = t.requiredString("url").flatMap(v -> uri(t, "url", v, Set.of("https", "http"), "https")).orElse(null);
        Optional<Path> anchors = t.string("trustAnchors").map(v -> readableFile(t, "trustAnchors", v));
        if (anchors.isEmpty() && url != null && url.getScheme().equals("https")) {
            t.problem("trustAnchors", "missing (required for https: the CA file that signed the receiver's certificate)");
        }
        if (!t.has("recipients")) {
            t.problem("recipients", "missing (required: certificate files of who may decrypt the footage)");
        }
        List<Path> recipients = new ArrayList<>();
        for (String r : t.strings("recipients")) {
            recipients.add(readableFile(t, "recipients", r));
        }
        if (t.has("recipients") && recipients.isEmpty()) {
            t.problem("recipients", "must list at least one recipient certificate file");
        }
        Path signers = t.requiredString("receiptSigners").map(v -> readableFile(t, "receiptSigners", v)).orElse(null);
        long bandwidth = t.string("bandwidthLimit").flatMap(v -> size(t, "bandwidthLimit", v, 0, Long.MAX_VALUE)).orElse(0L);
        int concurrency = t.integer("concurrency", 1, 16).orElse(2L).intValue();
        TrustSettings trust = TrustSettings.read(t, recipients, signers, (key, v) -> readableFile(t, key, v));
        t.rejectUnknownKeys();
        return new Evidence(url, anchors, recipients, signers, bandwidth, concurrency, trust);
    }

    private Policy policy(Table t) {
        boolean wipe = t.bool("wipeAfterReceipt").orElse(true);
        int minBattery = t.integer("minimumBatteryPercent", 0, 100).orElse(80L).intValue();
        t.rejectUnknownKeys();
        return new Policy(wipe, minBattery);
    }

    private Map<String, String> badges(Table t) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String uid : t.keys()) {
            if (!BADGE_UID.matcher(uid).matches()) {
                t.problem(uid, "is not a badge UID (4, 7 or 10 bytes as upper-case hex)");
                continue;
            }
            t.string(uid).ifPresent(officer -> out.put(uid, matching(t, uid, officer, OFFICER_ID,
                    "is not an officer id (letters, digits, '.', '_', '-')")));
        }
        return out;
    }

    // ---- value checks ---------------------------------------------------------------------

    private static String matching(Table t, String key, String v, Pattern p, String what) {
        if (!p.matcher(v).matches()) {
            t.problem(key, quote(v) + " " + what);
        }
        return v;
    }

    private static Optional<Long> size(Table t, String key, String v, long min, long max) {
        Optional<Long> n = Units.bytes(v);
        if (n.isEmpty()) {
            t.problem(key, quote(v) + " is not a size like \"64 MiB\" or \"2 GB\"");
        } else if (n.get() < min || n.get() > max) {
            t.problem(key, quote(v) + " is out of range (" + min + ".." + max + " bytes)");
            return Optional.empty();
        }
        return n;
    }

    private static Optional<Duration> duration(Table t, String key, String v, Duration min, Duration max) {
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
    private static Optional<URI> uri(Table t, String key, String v, Set<String> schemes, String secure) {
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

    private static String relative(Table t, String key, String v) {
        if (v.isEmpty() || v.startsWith("/") || Path.of(v).normalize().startsWith("..") || v.contains("/../")
                || v.equals("..") || v.endsWith("/..") || v.indexOf('\0') >= 0) {
            t.problem(key, quote(v) + " must be a path inside the camera volume (relative, no '..')");
        }
        return v;
    }

    private Path path(Table t, String key, String v) {
        if (v.isBlank() || v.indexOf('\0') >= 0) {
            t.problem(key, quote(v) + " is not a path");
            return null;
        }
        return base.resolve(v).normalize();
    }

    private Path existingDirectory(Table t, String key, String v) {
        Path p = path(t, key, v);
        if (p != null && !Files.isDirectory(p)) {
            t.problem(key, p + " is not an existing directory");
        }
        return p;
    }

    private Path readableFile(Table t, String key, String v) {
        Path p = path(t, key, v);
        if (p != null && (!Files.isRegularFile(p) || !Files.isReadable(p))) {
            t.problem(key, p + (Files.exists(p) ? " is not a readable file" : " does not exist"));
        }
        return p;
    }

    /** A private key readable by anyone but its owner is refused: it identifies the dock. */
    private Path privateKeyFile(Table t, String key, String v) {
        Path p = readableFile(t, key, v);
        if (p != null && Files.isRegularFile(p)) {
            try {
                String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (!mode.substring(3).equals("------")) {
                    t.problem(key, p + " has mode " + mode + "; a private key must be 0600 or 0400 (chmod 600 " + p + ")");
                }
            } catch (IOException | UnsupportedOperationException e) {
                t.problem(key, p + ": cannot read its permissions: " + e.getMessage());
            }
        }
        return p;
    }

    private static String quote(String v) {
        return "\"" + v + "\"";
    }
}
