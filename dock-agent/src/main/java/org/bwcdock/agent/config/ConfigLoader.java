package org.bwcdock.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.bwcdock.agent.config.AgentConfig.Bay;
import org.bwcdock.agent.config.AgentConfig.CameraProfile;
import org.bwcdock.agent.config.AgentConfig.Evidence;
import org.bwcdock.agent.config.AgentConfig.Hardware;
import org.bwcdock.agent.config.AgentConfig.Identity;
import org.bwcdock.agent.config.AgentConfig.Logging;
import org.bwcdock.agent.config.AgentConfig.Mqtt;
import org.bwcdock.agent.config.AgentConfig.Policy;
import org.bwcdock.agent.config.AgentConfig.Spool;
import org.bwcdock.agent.config.AgentConfig.Usb;
import org.bwcdock.agent.upload.UploadWindow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static org.bwcdock.agent.config.Values.duration;
import static org.bwcdock.agent.config.Values.matching;
import static org.bwcdock.agent.config.Values.quote;
import static org.bwcdock.agent.config.Values.size;
import static org.bwcdock.agent.config.Values.uri;

/**
 * Reads agent.toml into an {@link AgentConfig}, or fails with every problem at once, each naming
 * its key path ({@code bays[2].usbPort: "x" is not a USB port path like 1-1.2}; {@code bays[N]} is
 * the bay numbered N, see {@link BayTables}). Defaults come from {@link Defaults}; wiring rules
 * from {@link HardwareRules}, the same ones the hardware enforces.
 */
public final class ConfigLoader {
    /** Used in certificate CNs and MQTT topics: no '/', '+', '#' or spaces. */
    private static final Pattern DOCK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern OFFICER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private final List<String> problems = new ArrayList<>();
    private final Values values;

    private ConfigLoader(Path base) {
        this.values = new Values(base);
    }

    /** Loads and validates {@code file}; relative paths inside it are resolved against its directory. */
    public static AgentConfig load(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        JsonNode root;
        try (InputStream in = Files.newInputStream(absolute)) {
            root = new TomlMapper().readTree(in);
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
        Hardware hardware = root.string("hardware").map(v -> hardware(root, v)).orElse(Defaults.HARDWARE);
        Path state = root.requiredString("stateDirectory").map(v -> values.path(root, "stateDirectory", v)).orElse(null);

        Logging logging = root.table("logging").map(this::logging).orElse(Defaults.logging());
        Identity identity = required(root, "identity", "the dock's certificate and key sign every manifest")
                .map(this::identity).orElse(null);
        Spool spool = required(root, "spool", "where encrypted parts wait for their receipt").map(this::spool).orElse(null);
        Usb usb = root.table("usb").map(this::usb).orElse(Defaults.usb());
        List<Bay> bays = BayTables.bays(root);
        List<CameraProfile> profiles = BayTables.profiles(root);
        Optional<Mqtt> mqtt = root.table("mqtt").map(this::mqtt);
        Evidence evidence = required(root, "evidence",
                "the recipients' certificates the footage is encrypted for, and the receiver").map(this::evidence).orElse(null);
        Policy policy = root.table("policy").map(this::policy).orElse(Defaults.policy());
        Map<String, String> badges = root.table("badges").map(this::badges).orElse(Map.of());
        root.rejectUnknownKeys();

        if (!problems.isEmpty()) {
            return null;
        }
        return new AgentConfig(dockId, hardware, state, logging, identity, spool, usb, bays, profiles,
                mqtt, evidence, policy, badges);
    }

    private static Optional<Table> required(Table root, String name, String why) {
        if (!root.has(name)) {
            root.problem(name, "missing (required: " + why + ")");
            return Optional.empty();
        }
        return root.table(name);
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
        }).orElse(Defaults.LOG_LEVEL);
        t.rejectUnknownKeys();
        return new Logging(level);
    }

    private Identity identity(Table t) {
        Path cert = t.requiredString("certificate").map(v -> values.readableFile(t, "certificate", v)).orElse(null);
        Path key = t.requiredString("privateKey").map(v -> values.privateKeyFile(t, "privateKey", v)).orElse(null);
        t.rejectUnknownKeys();
        return new Identity(cert, key);
    }

    private Spool spool(Table t) {
        Path dir = t.requiredString("directory").map(v -> values.path(t, "directory", v)).orElse(null);
        long quota = t.requiredString("quota").flatMap(v -> size(t, "quota", v, 1L << 20, Long.MAX_VALUE)).orElse(0L);
        long part = t.string("partSize").flatMap(v -> size(t, "partSize", v, 1L << 10, 1L << 30)).orElse(Defaults.PART_SIZE_BYTES);
        if (quota > 0 && part > quota) {
            t.problem("partSize", part + " bytes is larger than spool.quota (" + quota + " bytes)");
        }
        java.util.OptionalLong share = t.string("cameraShare").flatMap(v -> size(t, "cameraShare", v, 1L << 20, Long.MAX_VALUE))
                .map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty());
        if (quota > 0 && share.isPresent() && share.getAsLong() > quota) {
            t.problem("cameraShare", share.getAsLong() + " bytes is larger than spool.quota (" + quota + " bytes)");
        }
        // The parts of one file encrypted at once, each on its own thread (issue #21); default: one per processor.
        int threads = t.integer("encryptThreads", 1, org.bwcdock.agent.custody.CustodySettings.MAX_ENCRYPT_THREADS)
                .map(Long::intValue).orElse(org.bwcdock.agent.custody.CustodySettings.defaultEncryptThreads());
        t.rejectUnknownKeys();
        return new Spool(dir, quota, (int) part, share, threads);
    }

    private Usb usb(Table t) {
        Path sys = t.string("sysRoot").map(v -> values.existingDirectory(t, "sysRoot", v)).orElse(Defaults.SYS_ROOT);
        Path dev = t.string("devRoot").map(v -> values.existingDirectory(t, "devRoot", v)).orElse(Defaults.DEV_ROOT);
        Duration rescan = t.string("rescanInterval").flatMap(v -> duration(t, "rescanInterval", v, Duration.ofMillis(100), Duration.ofHours(1))).orElse(Defaults.RESCAN_INTERVAL);
        Duration debounce = t.string("debounce").flatMap(v -> duration(t, "debounce", v, Duration.ZERO, Duration.ofMinutes(1))).orElse(Defaults.DEBOUNCE);
        Duration stable = t.string("stableInterval").flatMap(v -> duration(t, "stableInterval", v, Duration.ZERO, Duration.ofMinutes(10))).orElse(Defaults.STABLE_INTERVAL);
        Duration read = t.string("readTimeout").flatMap(v -> duration(t, "readTimeout", v, Duration.ofSeconds(1), Duration.ofMinutes(10))).orElse(Defaults.READ_TIMEOUT);
        Optional<Path> volumes = t.string("simulatedVolumes").map(v -> values.existingDirectory(t, "simulatedVolumes", v));
        long rate = t.string("simulatedReadRate").flatMap(v -> size(t, "simulatedReadRate", v, 0, Long.MAX_VALUE)).orElse(0L);
        if (rate > 0 && !t.has("simulatedVolumes")) {
            t.problem("simulatedReadRate", "only paces simulated cameras: set simulatedVolumes too, or remove it");
        }
        t.rejectUnknownKeys();
        return new Usb(sys, dev, rescan, debounce, stable, read, volumes, rate);
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
        Optional<Path> anchors = t.string("trustAnchors").map(v -> values.readableFile(t, "trustAnchors", v));
        if (anchors.isEmpty() && brokers.stream().anyMatch(u -> u.getScheme().equals("ssl"))) {
            t.problem("trustAnchors", "missing (required for ssl:// brokers: the CA file that signed the broker's certificate)");
        }
        Duration keepAlive = t.string("keepAlive").flatMap(v -> duration(t, "keepAlive", v, Duration.ofSeconds(5), Duration.ofMinutes(30))).orElse(Defaults.KEEP_ALIVE);
        Duration expiry = t.string("sessionExpiry").flatMap(v -> duration(t, "sessionExpiry", v, Duration.ZERO, Duration.ofDays(7))).orElse(Defaults.SESSION_EXPIRY);
        Duration maxDelay = t.string("maxReconnectDelay").flatMap(v -> duration(t, "maxReconnectDelay", v, Duration.ofSeconds(1), Duration.ofHours(1))).orElse(Defaults.MAX_RECONNECT_DELAY);
        int capacity = t.integer("outboxCapacity", 100, 10_000_000).map(Long::intValue).orElse(Defaults.OUTBOX_CAPACITY);
        Duration skew = t.string("commandClockSkew").flatMap(v -> duration(t, "commandClockSkew", v, Duration.ZERO, Duration.ofMinutes(15)))
                .orElse(Defaults.COMMAND_CLOCK_SKEW);
        t.rejectUnknownKeys();
        return new Mqtt(brokers, anchors, keepAlive, expiry, maxDelay, capacity, skew);
    }

    private Evidence evidence(Table t) {
        AgentConfig.EvidenceSink sink = t.string("sink").map(v -> Values.choice(t, "sink", v, AgentConfig.EvidenceSink.values()))
                .orElse(Defaults.EVIDENCE_SINK);
        URI url = t.requiredString("url").flatMap(v -> uri(t, "url", v, Set.of("https", "http"), "https")).orElse(null);
        Optional<Path> anchors = t.string("trustAnchors").map(v -> values.readableFile(t, "trustAnchors", v));
        if (anchors.isEmpty() && url != null && url.getScheme().equals("https")) {
            t.problem("trustAnchors", "missing (required for https: the CA file that signed the receiver's certificate)");
        }
        if (!t.has("recipients")) {
            t.problem("recipients", "missing (required: certificate files of who may decrypt the footage)");
        }
        List<Path> recipients = new ArrayList<>();
        for (String r : t.strings("recipients")) {
            recipients.add(values.readableFile(t, "recipients", r));
        }
        if (t.has("recipients") && recipients.isEmpty()) {
            t.problem("recipients", "must list at least one recipient certificate file");
        }
        Path signers = t.requiredString("receiptSigners").map(v -> values.readableFile(t, "receiptSigners", v)).orElse(null);
        long bandwidth = t.string("bandwidthLimit").flatMap(v -> size(t, "bandwidthLimit", v, 0, Long.MAX_VALUE))
                .orElse(Defaults.BANDWIDTH_BYTES_PER_SECOND);
        int concurrency = t.integer("concurrency", 1, 16).map(Long::intValue).orElse(Defaults.UPLOAD_CONCURRENCY);
        TrustSettings trust = TrustSettings.read(t, recipients, signers, (key, v) -> values.readableFile(t, key, v));
        List<UploadWindow> windows = windows(t);
        Optional<AgentConfig.Tsa> tsa = t.table("tsa").map(this::tsa);
        t.rejectUnknownKeys();
        return new Evidence(sink, url, anchors, recipients, signers, bandwidth, concurrency, trust, windows, tsa);
    }

    /** {@code [evidence.tsa]}: url and caCertificates required; the CA file must hold certificates. */
    private AgentConfig.Tsa tsa(Table t) {
        URI url = t.requiredString("url").flatMap(v -> {
            try {
                URI u = new URI(v);
                Optional<String> problem = org.bwcdock.format.tsa.TsaSettings.urlProblem(u);
                problem.ifPresent(p -> t.problem("url", p));
                return problem.isPresent() ? Optional.empty() : Optional.of(u);
            } catch (java.net.URISyntaxException e) {
                t.problem("url", quote(v) + " is not a URL: " + e.getReason());
                return Optional.empty();
            }
        }).orElse(null);
        Path caFile = t.requiredString("caCertificates").map(v -> values.readableFile(t, "caCertificates", v)).orElse(null);
        List<java.security.cert.X509Certificate> cas = List.of();
        if (caFile != null && Files.isRegularFile(caFile) && Files.isReadable(caFile)) {
            try {
                cas = org.bwcdock.format.pki.PemFiles.readCertificates(caFile);
                if (cas.isEmpty()) {
                    t.problem("caCertificates", caFile + " holds no certificate");
                }
            } catch (IOException e) {
                t.problem("caCertificates", caFile + ": " + e.getMessage());
            }
        }
        Optional<String> policy = t.string("policy").flatMap(v -> {
            Optional<String> problem = org.bwcdock.format.tsa.TsaSettings.policyProblem(v);
            problem.ifPresent(p -> t.problem("policy", p));
            return problem.isPresent() ? Optional.empty() : Optional.of(v);
        });
        Duration timeout = t.string("timeout").flatMap(v -> duration(t, "timeout", v, Duration.ofSeconds(1), Duration.ofMinutes(2)))
                .orElse(org.bwcdock.format.tsa.TsaSettings.DEFAULT_TIMEOUT);
        Duration retry = t.string("retryInterval").flatMap(v -> duration(t, "retryInterval", v, Duration.ofMillis(100), Duration.ofDays(1)))
                .orElse(Defaults.TSA_RETRY_INTERVAL);
        Optional<Path> anchors = t.string("trustAnchors").map(v -> values.readableFile(t, "trustAnchors", v));
        t.rejectUnknownKeys();
        return new AgentConfig.Tsa(url, cas, policy, timeout, retry, anchors);
    }

    /** {@code [[evidence.windows]]}: daily spans of the dock's local time with their own rate; "0" closes uploads. */
    private static List<UploadWindow> windows(Table evidence) {
        List<UploadWindow> out = new ArrayList<>();
        for (Table w : evidence.tables("windows")) {
            Optional<LocalTime> from = w.requiredString("from").flatMap(v -> timeOfDay(w, "from", v));
            Optional<LocalTime> to = w.requiredString("to").flatMap(v -> timeOfDay(w, "to", v));
            Optional<Long> rate = w.requiredString("rate").flatMap(v -> size(w, "rate", v, 0, Long.MAX_VALUE));
            w.rejectUnknownKeys();
            if (from.isEmpty() || to.isEmpty() || rate.isEmpty()) {
                continue;
            }
            if (from.get().equals(to.get())) {
                w.problem("to", "equals from: the window would be empty (a whole day is the bandwidthLimit)");
                continue;
            }
            UploadWindow window = new UploadWindow(from.get(), to.get(), rate.get());
            out.stream().filter(window::overlaps).findFirst().ifPresent(o -> w.problem("from",
                    window + " overlaps the window " + o + " (a moment may have one rate only)"));
            out.add(window);
        }
        return out;
    }

    private static Optional<LocalTime> timeOfDay(Table t, String key, String v) {
        if (!v.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
            t.problem(key, quote(v) + " is not a time of day like \"07:00\" (24-hour, dock's local time)");
            return Optional.empty();
        }
        return Optional.of(LocalTime.parse(v));
    }

    private Policy policy(Table t) {
        boolean wipe = t.bool("wipeAfterReceipt").orElse(Defaults.WIPE_AFTER_RECEIPT);
        int minBattery = t.integer("minimumBatteryPercent", 0, 100).map(Long::intValue).orElse(Defaults.MINIMUM_BATTERY_PERCENT);
        t.rejectUnknownKeys();
        return new Policy(wipe, minBattery);
    }

    private Map<String, String> badges(Table t) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String uid : t.keys()) {
            Optional<String> wrong = HardwareRules.badgeUidProblem(uid);
            if (wrong.isPresent()) {
                t.problem(uid, wrong.get());
                continue;
            }
            t.string(uid).ifPresent(officer -> out.put(uid, matching(t, uid, officer, OFFICER_ID,
                    "is not an officer id (letters, digits, '.', '_', '-')")));
        }
        return out;
    }
}
