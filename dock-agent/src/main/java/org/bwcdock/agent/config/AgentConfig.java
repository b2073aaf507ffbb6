package org.bwcdock.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dock's configuration, validated and immutable. Built only by {@link ConfigLoader}; every
 * path is absolute (relative paths in the file are resolved against the file's directory).
 *
 * @param dockId the dock's identity: its certificate CN and its MQTT topic segment
 * @param hardware which bay lights, badge reader and gauges to drive
 * @param stateDirectory where the ledger lives
 * @param mqtt absent: telemetry is off (logged at start)
 * @param evidence required: without recipients nothing can be encrypted, so the dock cannot ingest
 * @param badges badge UID (upper-case hex) → officer id, for self-assignment
 */
public record AgentConfig(
        String dockId,
        Hardware hardware,
        Path stateDirectory,
        Logging logging,
        Identity identity,
        Spool spool,
        Usb usb,
        List<Bay> bays,
        List<CameraProfile> cameraProfiles,
        Optional<Mqtt> mqtt,
        Evidence evidence,
        Policy policy,
        Map<String, String> badges) {

    public AgentConfig {
        bays = List.copyOf(bays);
        cameraProfiles = List.copyOf(cameraProfiles);
        badges = Map.copyOf(badges);
        java.util.Objects.requireNonNull(evidence, "evidence");
    }

    public Path ledgerFile() {
        return stateDirectory.resolve("ledger.db");
    }

    /** What check-config prints: enough for IT staff to see the file says what they meant. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("dock ").append(dockId).append(", hardware ").append(hardware.name().toLowerCase(java.util.Locale.ROOT))
                .append(", state in ").append(stateDirectory).append('\n');
        s.append("identity: ").append(identity.certificate()).append(" (key ").append(identity.privateKey()).append(")\n");
        s.append("spool: ").append(spool.directory()).append(", quota ").append(spool.quotaBytes())
                .append(" bytes, parts of ").append(spool.partSizeBytes()).append(" bytes, encrypted on up to ")
                .append(spool.encryptThreads()).append(" thread(s)\n");
        for (Bay b : bays) {
            s.append("bay ").append(b.number()).append(": USB port ").append(b.usbPort())
                    .append(b.leds().map(l -> ", LEDs on GPIO " + l.green() + "/" + l.amber() + "/" + l.red()).orElse(""))
                    .append(b.batteryGauge().map(g -> ", gauge " + g.chip().configValue() + " on i2c-" + g.bus() + "@0x"
                            + Integer.toHexString(g.address())).orElse(""))
                    .append('\n');
        }
        for (CameraProfile p : cameraProfiles) {
            s.append("camera profile ").append(p.name()).append(": ").append(String.join(", ", p.usbIds()))
                    .append(", footage ").append(String.join(" ", p.footage())).append('\n');
        }
        s.append("mqtt: ").append(mqtt.map(m -> m.brokers().toString()).orElse("not configured (telemetry off)")).append('\n');
        s.append("evidence: ").append(evidence.sink().name().toLowerCase(java.util.Locale.ROOT)).append(" to ")
                .append(evidence.url()).append(", ").append(evidence.recipients().size())
                .append(" recipient(s)").append(evidence.tsa().map(t -> ", manifests timestamped by " + t.url()).orElse(""))
                .append('\n');
        s.append("policy: wipe after receipt ").append(policy.wipeAfterReceipt() ? "yes" : "no")
                .append(", badge hand-out at >= ").append(policy.minimumBatteryPercent()).append("% battery\n");
        s.append("badges: ").append(badges.size()).append(" known");
        return s.toString();
    }

    public enum Hardware {
        /** Real GPIO/SPI/I2C through Pi4J's gpiod and linuxfs plugins. */
        PI4J,
        /** Pi4J's mock plugin: the sandbox and tests. */
        SIMULATED,
        /** No lights, badge reader or gauges; everything else works. */
        NONE
    }

    public record Logging(String level) {
    }

    /** The dock's certificate (with its chain) and private key: mutual TLS and manifest signatures. */
    public record Identity(Path certificate, Path privateKey) {
    }

    /**
     * @param cameraShareBytes what one camera may hold while another holds or waits for room; empty:
     *                         the quota divided by the number of bays
     * @param encryptThreads how many parts of one file may be encrypted at once, each on its own thread
     */
    public record Spool(Path directory, long quotaBytes, int partSizeBytes, java.util.OptionalLong cameraShareBytes,
                        int encryptThreads) {
        /** The share in force for a dock of {@code bays} bays. */
        public long cameraShare(int bays) {
            return cameraShareBytes.orElse(quotaBytes / Math.max(1, bays));
        }
    }

    /**
     * @param simulatedVolumes simulation only: camera with USB serial S is the directory {@code simulatedVolumes/S}
     *                         instead of a block device mounted through udisks2
     * @param simulatedReadRate simulation only: bytes per second a simulated camera is read at (0 = as fast as the disk),
     *                          so that tests race a camera's pace, not this machine's
     */
    public record Usb(Path sysRoot, Path devRoot, Duration rescanInterval, Duration debounce,
                      Duration stableInterval, Duration readTimeout, Optional<Path> simulatedVolumes, long simulatedReadRate) {
    }

    /**
     * One camera bay; {@code leds} and {@code batteryGauge} are only used with real or simulated hardware,
     * but checked by the same rules ({@link HardwareRules}) whatever {@code hardware} says.
     *
     * @param number the bay's number (1..64) as the dock's labels, MQTT topics and messages show it:
     *               {@code bays[3]} in a problem is the bay with {@code number = 3}
     */
    public record Bay(int number, String usbPort, Optional<Leds> leds, Optional<BatteryGauge> batteryGauge) {
    }

    /** BCM GPIO numbers of a bay's LEDs (see {@link HardwareRules#ledGpioProblem}). */
    public record Leds(int green, int amber, int red) {
    }

    /** A bay's fuel gauge: which chip, on which I2C bus and address (see {@link HardwareRules}). */
    public record BatteryGauge(GaugeChip chip, int bus, int address) {
    }

    /**
     * The fuel-gauge chips the dock has a driver for; the config value is the lower-case name
     * ({@code chip = "max17048"}). A new chip: a constant here, its driver in hardware/, its
     * simulated chip in dock-simulation.
     */
    public enum GaugeChip {
        /** Maxim MAX17048 (single cell, I2C 0x36). */
        MAX17048;

        public String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum CameraIdSource { USB_SERIAL, DEVICE_INFO }

    /**
     * How the camera's clock is measured at docking: the {@code clock} its info file states (a camera
     * that writes the file when it connects), the newest footage time against the dock's (a camera
     * running ahead leaves files "from the future": a lower bound only), or not at all.
     */
    public enum CameraClockSource {
        DEVICE_INFO, FILE_TIMES, NONE;

        /** As in agent.toml and the manifest: {@code device-info}, {@code file-times}, {@code none}. */
        public String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A camera model the dock accepts.
     *
     * @param usbIds "vendor:product", lower-case hex
     * @param footage globs relative to the volume root, e.g. {@code DCIM/**}{@code /*.MP4}
     * @param deviceInfoFile relative path of the camera's info file, when {@code cameraId} or {@code clock} reads it
     * @param clockSkewLimit how far the camera's clock may be from the dock's before the manifest flags it
     */
    public record CameraProfile(String name, List<String> usbIds, List<String> footage, long maxFileSizeBytes,
                                CameraIdSource cameraId, Optional<String> deviceInfoFile, CameraClockSource clock,
                                Duration clockSkewLimit) {
        public CameraProfile {
            usbIds = List.copyOf(usbIds);
            footage = List.copyOf(footage);
        }
    }

    /**
     * @param commandClockSkew how far the back office's clock may be from the dock's when a command's
     *                         issuedAt/expiresAt are checked
     */
    public record Mqtt(List<URI> brokers, Optional<Path> trustAnchors, Duration keepAlive,
                       Duration sessionExpiry, Duration maxReconnectDelay, int outboxCapacity, Duration commandClockSkew) {
        public Mqtt {
            brokers = List.copyOf(brokers);
        }
    }

    /**
     * How footage reaches the evidence server ({@code [evidence] sink}); a new sink is a constant
     * here, its class in upload/, and one line where DockAgent makes the sink.
     */
    public enum EvidenceSink {
        /** tus 1.0 uploads, then a commit answered by a signed receipt (docs/evidence-upload.md). */
        TUS
    }

    /**
     * @param sink the upload protocol
     * @param recipients certificates whose keys may decrypt the footage (evidence server, escrow)
     * @param receiptSigners the agency CA(s) whose receipt-signer certificates may sign receipts
     * @param bandwidthBytesPerSecond 0 = unlimited
     * @param trust the certificates read from those files, checked for their roles, pins and the CRL
     * @param tsa {@code [evidence.tsa]}: the agency TSA that timestamps each manifest; empty: no trusted time
     */
    public record Evidence(EvidenceSink sink, URI url, Optional<Path> trustAnchors, List<Path> recipients, Path receiptSigners,
                           long bandwidthBytesPerSecond, int concurrency, TrustSettings trust,
                           List<org.bwcdock.agent.upload.UploadWindow> windows, Optional<Tsa> tsa) {
        public Evidence {
            recipients = List.copyOf(recipients);
            windows = List.copyOf(windows);
        }
    }

    /**
     * {@code [evidence.tsa]} (docs/manifest.md, "Timestamps").
     *
     * @param url the TSA's RFC 3161 endpoint (https; http only to loopback)
     * @param caCertificates the TSA's CA certificate(s), read and checked at load
     * @param policy the TSA policy OID to ask for and insist on; empty: the TSA's default
     * @param timeout a TSA slower than this counts as down for that attempt
     * @param retryInterval how often tokens still missing are asked for again and sent to the receiver
     * @param trustAnchors for an https TSA: the CA of its TLS certificate; empty: the JDK's trust store
     */
    public record Tsa(URI url, List<java.security.cert.X509Certificate> caCertificates, Optional<String> policy, Duration timeout,
                      Duration retryInterval, Optional<Path> trustAnchors) {
        public Tsa {
            caCertificates = List.copyOf(caCertificates);
        }
    }

    /**
     * @param wipeAfterReceipt false: footage stays on the camera even after a receipt
     * @param minimumBatteryPercent a camera below this is not handed out by badge self-assignment
     */
    public record Policy(boolean wipeAfterReceipt, int minimumBatteryPercent) {
    }
}
