package org.bwcdock.agent;

import org.bwcdock.agent.bay.BayStatus;
import org.bwcdock.agent.bay.CameraPolicy;
import org.bwcdock.agent.bay.Dock;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.hardware.BatteryReading;
import org.bwcdock.agent.hardware.ChargeStatus;
import org.bwcdock.agent.hardware.DockHardware;
import org.bwcdock.agent.hardware.HardwareSimulation;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.config.TrustSettings;
import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;
import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;
import org.bwcdock.agent.upload.Uploader;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.agent.system.LogLevel;
import org.bwcdock.agent.telemetry.BayState;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: the one place that reads the configuration, decides which parts are real
 * and which simulated, wires them, and owns their lifecycle. Everything it starts, {@link #close()}
 * stops, in reverse order, leaving no thread, timer or open file behind.
 */
public final class DockAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockAgent.class);

    private final AgentConfig config;
    private final Clock clock;
    /** Closed in reverse order of opening. */
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private Ledger ledger;
    private Spool spool;
    private Dock dock;
    private Uploader uploader;
    private volatile DockHardware hardware;
    /** The camera last seen in each bay: a new one has its battery read at once. */
    private final Map<Integer, String> camerasInBays = new java.util.concurrent.ConcurrentHashMap<>();
    private CameraWatcher watcher;
    private volatile Telemetry telemetry;
    private volatile boolean started;
    private volatile boolean closed;

    private DockAgent(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public static DockAgent create(AgentConfig config, Clock clock) {
        return new DockAgent(config, clock);
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
                    .orElse(Ledgers.DEFAULT_OUTBOX_CAPACITY)));
            ledger.audit("agent", "start", config.dockId(), "version " + Version.current());
            spool = own(Spools.open(config.spool().directory(), config.spool().quotaBytes()));
            recoverInterruptedIngests();
            removeReceiptedFromSpool();
            Ingestor ingestor = own(Ingestors.create(custodySettings(), spool));
            dock = own(new Dock(config.bays().stream().map(AgentConfig.Bay::number).toList(), ledger, ingestor, mounter(),
                    cameraPolicies(), config.policy().wipeAfterReceipt(), this::bayChanged, clock));
            hardware = own(DockHardware.create(config, ledger, dock, clock));
            dock.onUndock((bay, camera) -> hardware.badges().undocked(bay, camera));
            if (config.evidence().isPresent()) {
                uploader = own(new Uploader(ledger, spool, Sinks.tus(sinkSettings(config.evidence().get())),
                        config.evidence().get().concurrency(), dock));
                uploader.start();
            }
            watcher = own(CameraWatcher.sysfs(usbSettings(), dock));
            if (config.mqtt().isPresent()) {
                telemetry = own(Telemetries.mqtt(mqttSettings(config.mqtt().get()), ledger,
                        new AgentCommands(ledger, this::uploader, () -> watcher, () -> hardware), this::health, clock));
                telemetry.start();
                dock.statuses().forEach(this::bayChanged);
            }
            watcher.start();
            log.info("dock {} started: {} bay(s), hardware {}, telemetry {}, uploads {}", config.dockId(),
                    config.bays().size(), config.hardware().name().toLowerCase(java.util.Locale.ROOT),
                    config.mqtt().isPresent() ? "on" : "off", config.evidence().isPresent() ? "on" : "off");
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A crash during ingest leaves a file INGESTING with partial parts: discard them, ingest again on the next dock. */
    private void recoverInterruptedIngests() throws IOException {
        for (EvidenceFile f : ledger.filesIn(FileState.INGESTING)) {
            spool.deleteAll(f.id());
            ledger.transition(f.id(), FileState.INGESTING, FileState.DISCOVERED, "agent restarted during ingest; parts discarded");
            log.info("camera {}: {}: interrupted ingest discarded; it starts again when the camera is docked",
                    f.cameraId(), f.relativePath());
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

    private CustodySettings custodySettings() throws IOException {
        // Exactly the recipient certificates the loader checked: leaves with the recipient role, never a CA.
        List<X509Certificate> recipients = config.evidence().map(e -> e.trust().recipients()).orElse(List.of());
        if (recipients.isEmpty()) {
            throw new IllegalStateException("no evidence recipients configured ([evidence] recipients): footage could "
                    + "not be encrypted for anyone, so the dock cannot ingest");
        }
        return new CustodySettings(config.dockId(), config.spool().partSizeBytes(), recipients,
                PemFiles.readPrivateKey(config.identity().privateKey()), PemFiles.readCertificates(config.identity().certificate()),
                Version.current(), Duration.ofMinutes(30), clock);
    }

    private SinkSettings sinkSettings(AgentConfig.Evidence e) throws IOException {
        TrustSettings trust = e.trust();
        Optional<Crl> crl = trust.crl().map(f -> new Crl(f, trust.receiptSignerCas()));
        // The receiver must hold the receiver role, and not be revoked: another key of the agency CA
        // (a dock's, the receipt signer's) must not be able to pose as the evidence server.
        TlsContexts.PeerCheck receiver = Roles.requiring(Role.EVIDENCE_RECEIVER, crl);
        Optional<javax.net.ssl.SSLContext> tls = e.url().getScheme().equals("https")
                ? Optional.of(TlsContexts.create(config.identity().certificate(), config.identity().privateKey(),
                e.trustAnchors().orElseThrow(), receiver))
                : Optional.empty();
        ReceiptSigners signers = new ReceiptSigners(trust.receiptSignerCas(), trust.receiptSignerPins(), crl);
        // One PATCH per part: its checksum is the hash recorded at ingest, and a broken PATCH resumes from the server's offset.
        return new SinkSettings(e.url(), tls, signers, config.spool().partSizeBytes(),
                Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofSeconds(60),
                e.bandwidthBytesPerSecond(), config.dockId());
    }

    /** Uploads, for the back office's pause/resume/bandwidth commands; empty when uploads are off. */
    public Optional<Uploader> uploader() {
        return Optional.ofNullable(uploader);
    }

    /** The one place that decides real or simulated mounting. */
    private Mounter mounter() {
        return config.usb().simulatedVolumes().map(Mounter::directories).orElseGet(Mounter::udisks);
    }

    private Map<String, CameraPolicy> cameraPolicies() {
        Map<String, CameraPolicy> out = new HashMap<>();
        for (AgentConfig.CameraProfile p : config.cameraProfiles()) {
            out.put(p.name(), new CameraPolicy(p.name(), VolumeLimits.defaults(p.footage(), p.maxFileSizeBytes(),
                    config.usb().stableInterval(), config.usb().readTimeout()), p.deviceInfoFile(),
                    p.cameraId() == AgentConfig.CameraIdSource.DEVICE_INFO));
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

    private void bayChanged(BayStatus s) {
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
            // The bay's gauge (or the camera's own report, through the hardware) is the battery truth.
            BatteryReading battery = h == null ? null : h.gauges().reading(s.bay());
            int percent = battery != null && battery.known() ? battery.roundedPercent() : s.batteryPercent();
            boolean charging = battery != null && battery.known() ? battery.status() == ChargeStatus.CHARGING
                    : s.cameraId() != null && percent >= 0 && percent < 100;
            t.bayChanged(new BayState(s.bay(), s.cameraId(), s.officerId(), percent, charging, s.phase(),
                    percent(s.ingestDone(), s.ingestTotal()), percent(s.uploadDone(), s.uploadTotal()), s.lastEvent()));
        }
    }

    private static int percent(long done, long total) {
        return total <= 0 ? -1 : (int) Math.min(100, done * 100 / total);
    }

    private MqttSettings mqttSettings(AgentConfig.Mqtt m) throws IOException {
        boolean tls = m.brokers().stream().anyMatch(u -> u.getScheme().equals("ssl"));
        Optional<javax.net.ssl.SSLContext> ctx = tls
                ? Optional.of(TlsContexts.create(config.identity().certificate(), config.identity().privateKey(), m.trustAnchors().orElseThrow()))
                : Optional.empty();
        return new MqttSettings(config.dockId(), m.brokers(), ctx, m.keepAlive(), m.sessionExpiry(), m.maxReconnectDelay(),
                Version.current(), config.bays().stream().map(AgentConfig.Bay::number).toList());
    }

    private Map<String, Object> health() {
        Map<String, Object> h = new java.util.LinkedHashMap<>();
        h.put("spoolUsedBytes", spool.usedBytes());
        h.put("spoolQuotaBytes", spool.quotaBytes());
        h.put("spoolFull", spool.full());
        h.put("uploadsPaused", uploader != null && uploader.paused());
        h.put("healthy", healthy());
        return h;
    }

    /** The simulated chips when hardware = "simulated" (the sandbox puts badges on the reader); empty otherwise. */
    public Optional<HardwareSimulation> hardwareSimulation() {
        DockHardware h = hardware;
        return h == null ? Optional.empty() : h.simulation();
    }

    /** Every bay as it is now, with the battery level the dock reports (the gauge where one answers). */
    public List<BayStatus> bays() {
        if (dock == null) {
            return List.of();
        }
        DockHardware h = hardware;
        return dock.statuses().stream().map(s -> {
            BatteryReading battery = h == null ? null : h.gauges().reading(s.bay());
            return battery == null || !battery.known() ? s : new BayStatus(s.bay(), s.cameraId(), s.officerId(), battery.roundedPercent(),
                    s.phase(), s.ingestDone(), s.ingestTotal(), s.uploadDone(), s.uploadTotal(), s.lastEvent());
        }).toList();
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
