package org.bwcdock.agent;

import com.pi4j.context.Context;
import org.bwcdock.agent.bay.CameraPolicy;
import org.bwcdock.agent.bay.Dock;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigException;
import org.bwcdock.agent.config.Defaults;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.hardware.BatteryReading;
import org.bwcdock.agent.hardware.ChargeStatus;
import org.bwcdock.agent.hardware.DockHardware;
import org.bwcdock.agent.hardware.HardwareSettings;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.AuditCheckpointer;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.CameraSummaries;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.LedgerListener;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;
import org.bwcdock.agent.upload.ManifestStamper;
import org.bwcdock.agent.upload.Uploader;
import org.bwcdock.format.tsa.TimestampAuthority;
import org.bwcdock.format.tsa.TsaSettings;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.system.LogLevel;
import org.bwcdock.agent.telemetry.MqttSettings;
import org.bwcdock.agent.telemetry.Telemetries;
import org.bwcdock.agent.telemetry.Telemetry;
import org.bwcdock.agent.usb.CameraWatcher;
import org.bwcdock.agent.usb.UsbSettings;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.VolumeLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The composition root: the one place that reads the configuration, decides which parts are real
 * and which simulated, wires them, and owns their lifecycle. Everything it starts, {@link #close()}
 * stops, in reverse order, leaving no thread, timer or open file behind.
 */
public final class DockAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockAgent.class);

    private final AgentConfig config;
    /** Derived from the config when the agent is built, so that check-config sees what run would refuse. */
    private final HardwareSettings hardwareSettings;
    /** Certificates, key and TLS contexts, read when the agent is built (check-config reads them too). */
    private final Credentials credentials;
    /** The agency TSA of [evidence.tsa], its TLS trust read when the agent is built (check-config sees a bad file). */
    private final Optional<TsaSettings> tsa;
    /** The simulated chips for hardware = "simulated": supplied by the sandbox and tests, never on a dock. */
    private final Optional<Supplier<Context>> simulatedBoard;
    private final Clock clock;
    /** Closed in reverse order of opening. */
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private Ledger ledger;
    private AuditCheckpointer checkpointer;
    private Spool spool;
    private Dock dock;
    private volatile Uploader uploader;
    private volatile DockHardware hardware;
    /** The camera last seen in each bay: a new one has its battery read at once. */
    private final Map<Integer, String> camerasInBays = new java.util.concurrent.ConcurrentHashMap<>();
    private CameraWatcher watcher;
    private volatile Telemetry telemetry;
    private volatile boolean started;
    private volatile boolean closed;

    private DockAgent(AgentConfig config, Optional<Supplier<Context>> simulatedBoard, Clock clock) throws ConfigException {
        this.config = config;
        this.hardwareSettings = HardwareSettings.from(config);
        if (config.hardware() == AgentConfig.Hardware.SIMULATED && simulatedBoard.isEmpty()) {
            throw new ConfigException("configuration", List.of(DockHardware.SIMULATED_NEEDS_A_BOARD));
        }
        this.credentials = Credentials.read(config);
        this.tsa = tsaSettings(config.evidence());
        this.simulatedBoard = simulatedBoard;
        this.clock = clock;
    }

    /**
     * Builds the agent without starting anything: every setting derived from the config is built
     * and every file it names is read here, and a bad one fails now, named by its key
     * (check-config runs this too). With real hardware or none: what a dock runs.
     */
    public static DockAgent create(AgentConfig config, Clock clock) throws ConfigException {
        return new DockAgent(config, Optional.empty(), clock);
    }

    /**
     * The same, with simulated chips for {@code hardware = "simulated"} (the sandbox's and tests'
     * {@code org.bwcdock.simulation.SimulatedBoard}); other modes ignore it.
     */
    public static DockAgent create(AgentConfig config, Clock clock, Supplier<Context> simulatedBoard) throws ConfigException {
        return new DockAgent(config, Optional.of(simulatedBoard), clock);
    }

    public AgentConfig config() {
        return config;
    }

    /** Opens the ledger and starts every part. On failure, whatever was started is stopped again. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("agent already " + (closed ? "closed" : "started"));
        }
        started = true;
        LogLevel.apply(config.logging().level());
        try {
            Files.createDirectories(config.stateDirectory());
            ledger = own(Ledgers.open(config.ledgerFile(), clock, config.mqtt().map(AgentConfig.Mqtt::outboxCapacity)
                    .orElse(Defaults.OUTBOX_CAPACITY)));
            ledger.audit("agent", "start", config.dockId(), "version " + Version.current());
            // Owned right after the ledger, so closed just before it: its last checkpoint covers the stop row.
            checkpointer = own(new AuditCheckpointer(ledger, config.dockId(), config.stateDirectory(), credentials.signingKey,
                    credentials.signingChain, clock));
            checkpointer.start();
            spool = own(Spools.open(config.spool().directory(), config.spool().quotaBytes(),
                    config.spool().cameraShare(config.bays().size())));
            // Hand-offs are wake-ups, not polls: a new outbox event wakes the publisher, a file
            // INGESTED wakes the uploader (both still poll as a fallback).
            ledger.addListener(new LedgerListener() {
                @Override
                public void eventsAppended() {
                    Telemetry t = telemetry;
                    if (t != null) {
                        t.eventsAppended();
                    }
                }

                @Override
                public void ingested() {
                    Uploader u = uploader;
                    if (u != null) {
                        u.poke();
                    }
                }

                @Override
                public void partSpooled() {
                    ingested(); // a part of a file still being read can go already
                }
            });
            recoverInterruptedIngests();
            removeReceiptedFromSpool();
            Ingestor ingestor = own(Ingestors.create(custodySettings(), spool));
            dock = own(new Dock(config.bays().stream().map(AgentConfig.Bay::number).toList(), ledger, ingestor, mounter(),
                    cameraPolicies(), config.policy().wipeAfterReceipt(), this::bayChanged, clock, ClockSync.kernel()));
            hardware = own(DockHardware.create(hardwareSettings, simulatedBoard, ledger, dock, clock));
            dock.onUndock((bay, camera) -> hardware.badges().undocked(bay, camera));
            EvidenceSink sink = sink(config.evidence());
            ManifestStamper stamper = new ManifestStamper(tsa.map(TimestampAuthority::http), ledger, ledger, sink,
                    config.evidence().tsa().map(AgentConfig.Tsa::retryInterval).orElse(Defaults.TSA_RETRY_INTERVAL));
            uploader = own(new Uploader(ledger, spool, sink, config.evidence().concurrency(), dock,
                    id -> ledger.camera(id).map(CameraRecord::legalHold).orElse(false), stamper));
            own(stamper); // closed before the uploader, which closes the sink the stamper sends with
            uploader.start();
            stamper.start();
            watcher = own(CameraWatcher.sysfs(usbSettings(), dock));
            if (config.mqtt().isPresent()) {
                telemetry = own(Telemetries.mqtt(mqttSettings(config.mqtt().get()), ledger,
                        new AgentCommands(ledger, this::uploader, () -> watcher, () -> hardware), this::health, clock));
                telemetry.start();
                dock.bays().forEach(this::bayChanged);
            }
            watcher.start();
            log.info("dock {} started: {} bay(s), hardware {}, telemetry {}, uploads to {}", config.dockId(),
                    config.bays().size(), config.hardware().name().toLowerCase(java.util.Locale.ROOT),
                    config.mqtt().isPresent() ? "on" : "off", config.evidence().url());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A crash during ingest leaves a file INGESTING: its parts recorded in the ledger are durable and
     * stay (some may be uploaded already); the ingest resumes after them when the camera is docked.
     * Anything else of it in the spool (a part being written, a manifest) is removed then.
     */
    private void recoverInterruptedIngests() {
        for (EvidenceFile f : ledger.filesIn(FileState.INGESTING)) {
            int kept = ledger.parts(f.id()).size();
            ledger.transition(f.id(), FileState.INGESTING, FileState.DISCOVERED,
                    "agent restarted during ingest; " + kept + " durable part(s) kept to resume");
            log.info("camera {}: {}: interrupted ingest; it resumes after {} durable part(s) when the camera is docked",
                    f.cameraId(), f.relativePath(), kept);
        }
    }

    /**
     * The receipt is recorded first and the file's spool parts removed after it, in two steps: a
     * crash in between leaves ciphertext nobody will upload again. The receipt is what counts, so
     * such leftovers are removed at start.
     */
    private void removeReceiptedFromSpool() throws IOException {
        for (long id : spool.fileIds()) {
            Optional<EvidenceFile> f = ledger.file(id);
            if (f.isPresent() && f.get().state().isReceipted()) {
                spool.deleteAll(id);
                log.info("camera {}: {}: spool files left after its receipt removed", f.get().cameraId(), f.get().relativePath());
            }
        }
    }

    private CustodySettings custodySettings() {
        return new CustodySettings(config.dockId(), config.spool().partSizeBytes(), credentials.recipients,
                credentials.signingKey, credentials.signingChain, Version.current(), Defaults.SPOOL_WAIT, clock,
                config.spool().encryptThreads());
    }

    /** The one place a sink's config value meets its class. */
    private EvidenceSink sink(AgentConfig.Evidence e) {
        SinkSettings settings = sinkSettings(e);
        return switch (e.sink()) {
            case TUS -> Sinks.tus(settings);
        };
    }

    /** [evidence.tsa] as the TSA client takes it; a trustAnchors file that holds no usable certificate fails here, named. */
    private static Optional<TsaSettings> tsaSettings(AgentConfig.Evidence e) throws ConfigException {
        if (e.tsa().isEmpty()) {
            return Optional.empty();
        }
        AgentConfig.Tsa t = e.tsa().get();
        Optional<javax.net.ssl.SSLContext> tls = Optional.empty();
        if (t.trustAnchors().isPresent()) {
            try {
                tls = Optional.of(org.bwcdock.format.pki.TlsContexts.create(null, null,
                        org.bwcdock.format.pki.PemFiles.readCertificates(t.trustAnchors().get()), null));
            } catch (IOException | java.security.GeneralSecurityException ex) {
                throw new ConfigException("configuration", List.of("evidence.tsa.trustAnchors: " + ex.getMessage()));
            }
        }
        return Optional.of(new TsaSettings(t.url(), t.caCertificates(), t.policy(), t.timeout(), tls));
    }

    private SinkSettings sinkSettings(AgentConfig.Evidence e) {
        // One PATCH per part: its checksum is the hash recorded at ingest, and a broken PATCH resumes from the server's offset.
        return new SinkSettings(e.url(), credentials.evidenceTls, credentials.receiptSigners,
                SinkSettings.oneRequestPerPart(config.spool().partSizeBytes()),
                Defaults.UPLOAD_CONNECT_TIMEOUT, Defaults.UPLOAD_REQUEST_TIMEOUT, Defaults.UPLOAD_DELIVERY_DEADLINE,
                Defaults.UPLOAD_MAX_BACKOFF, e.bandwidthBytesPerSecond(), config.dockId(), e.windows(), clock,
                java.time.ZoneId.systemDefault(), // the windows are in the dock's local time (/etc/localtime)
                checkpointer::forCommit);
    }

    /** Uploads, for the back office's pause/resume/bandwidth commands; empty until started. */
    public Optional<Uploader> uploader() {
        return Optional.ofNullable(uploader);
    }

    /** The one place that decides real or simulated mounting. */
    private Mounter mounter() {
        return config.usb().simulatedVolumes().map(dir -> Mounter.directories(dir, config.usb().simulatedReadRate()))
                .orElseGet(Mounter::udisks);
    }

    private Map<String, CameraPolicy> cameraPolicies() {
        Map<String, CameraPolicy> out = new HashMap<>();
        for (AgentConfig.CameraProfile p : config.cameraProfiles()) {
            out.put(p.name(), new CameraPolicy(p.name(), VolumeLimits.defaults(p.footage(), p.maxFileSizeBytes(),
                    config.usb().stableInterval(), config.usb().readTimeout()), p.deviceInfoFile(),
                    p.cameraId() == AgentConfig.CameraIdSource.DEVICE_INFO, p.clock(), p.clockSkewLimit()));
        }
        return out;
    }

    private UsbSettings usbSettings() {
        Map<String, Integer> ports = new HashMap<>();
        config.bays().forEach(b -> ports.put(b.usbPort(), b.number()));
        Map<String, String> models = new HashMap<>();
        config.cameraProfiles().forEach(p -> p.usbIds().forEach(id -> models.put(id, p.name())));
        return new UsbSettings(config.usb().sysRoot(), config.usb().devRoot(), config.usb().rescanInterval(),
                config.usb().debounce(), ports, models);
    }

    private void bayChanged(BayView s) {
        log.debug("bay {}: {} {}", s.bay(), s.phase(), s.lastEvent());
        DockHardware h = hardware;
        if (h != null) {
            h.indicators().refresh(s.bay()); // the light is re-derived from the ledger, never set here
            String before = s.cameraId() == null ? camerasInBays.remove(s.bay()) : camerasInBays.put(s.bay(), s.cameraId());
            if (s.cameraId() != null && !s.cameraId().equals(before)) {
                h.gauges().readSoon(); // a camera arrived: its charge now, not at the next 30 s poll
            }
        }
        Telemetry t = telemetry;
        if (t != null) {
            t.bayChanged(shown(s));
        }
    }

    /**
     * The bay as MQTT, the lights and the sandbox show it: the battery is the bay's gauge where one
     * answers, else the level the camera reported. The one place that decides it.
     */
    private BayView shown(BayView s) {
        DockHardware h = hardware;
        BatteryReading gauge = h == null ? BatteryReading.unknown(s.bay(), clock.instant()) : h.gauges().reading(s.bay());
        BatteryReading b = gauge.orReported(s.reportedBatteryPercent().orElse(-1), s.occupied());
        return s.withBattery(b.known() ? OptionalInt.of(b.roundedPercent()) : OptionalInt.empty(),
                b.status() == ChargeStatus.CHARGING);
    }

    private MqttSettings mqttSettings(AgentConfig.Mqtt m) {
        return new MqttSettings(config.dockId(), m.brokers(), credentials.mqttTls, m.keepAlive(), m.sessionExpiry(), m.maxReconnectDelay(),
                Version.current(), config.bays().stream().map(AgentConfig.Bay::number).toList(), credentials.commandTrust,
                m.commandClockSkew());
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new java.util.LinkedHashMap<>();
        h.put("spoolUsedBytes", spool.usedBytes());
        h.put("spoolQuotaBytes", spool.quotaBytes());
        h.put("spoolFull", spool.full());
        h.put("uploadsPaused", uploader != null && uploader.paused());
        h.put("healthy", healthy());
        try {
            java.nio.file.FileStore disk = Files.getFileStore(config.spool().directory());
            h.put("diskFreeBytes", disk.getUsableSpace());
            h.put("diskTotalBytes", disk.getTotalSpace());
        } catch (IOException e) {
            log.debug("spool disk: {}", e.toString());
        }
        h.put("clockSync", clockSync());
        Map<String, Integer> docked = new java.util.HashMap<>();
        if (dock != null) {
            dock.bays().forEach(s -> {
                if (s.cameraId() != null) {
                    docked.put(s.cameraId(), s.bay());
                }
            });
        }
        h.put("cameras", CameraSummaries.of(ledger, docked));
        return h;
    }

    /**
     * systemd-timesyncd's flag file (present once the clock was synchronised). Where another NTP
     * client keeps the time, the dock cannot tell without privileges, so it says "unknown".
     */
    private static String clockSync() {
        return Files.exists(java.nio.file.Path.of("/run/systemd/timesync/synchronized")) ? "synchronized" : "unknown";
    }

    /** Every bay as it is now, as MQTT shows it (the battery from the gauge where one answers). */
    public List<BayView> bays() {
        if (dock == null) {
            return List.of();
        }
        return dock.bays().stream().map(this::shown).toList();
    }

    /** True while every part the agent relies on works; the systemd watchdog is fed only then. */
    public boolean healthy() {
        if (!started || closed) {
            return false;
        }
        try {
            ledger.pendingEventCount(); // the ledger answers: the database is reachable and not locked up
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public Ledger ledger() {
        if (ledger == null) {
            throw new IllegalStateException("agent not started");
        }
        return ledger;
    }

    private <T extends AutoCloseable> T own(T part) {
        owned.push(part);
        return part;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ledger != null) {
            try {
                ledger.audit("agent", "stop", config.dockId(), "clean shutdown");
            } catch (RuntimeException e) {
                log.warn("could not audit shutdown: {}", e.getMessage());
            }
        }
        while (!owned.isEmpty()) {
            AutoCloseable part = owned.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        log.info("dock {} stopped", config.dockId());
    }
}
