package org.bwcdock.agent.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every default of agent.toml, in one place: what a key means when the file leaves it out. The
 * loader applies them; docs/ and systemd/agent.toml describe the same values.
 */
public final class Defaults {
    private Defaults() {
    }

    public static final AgentConfig.Hardware HARDWARE = AgentConfig.Hardware.NONE;
    public static final String LOG_LEVEL = "INFO";

    public static final long PART_SIZE_BYTES = 64L << 20;

    public static final Path SYS_ROOT = Path.of("/sys");
    public static final Path DEV_ROOT = Path.of("/dev");
    public static final Duration RESCAN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEBOUNCE = Duration.ofMillis(1500);
    public static final Duration STABLE_INTERVAL = Duration.ofSeconds(2);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    public static final AgentConfig.GaugeChip GAUGE_CHIP = AgentConfig.GaugeChip.MAX17048;

    public static final long MAX_FILE_SIZE_BYTES = 64L << 30;
    public static final AgentConfig.CameraIdSource CAMERA_ID = AgentConfig.CameraIdSource.USB_SERIAL;
    public static final AgentConfig.CameraClockSource CAMERA_CLOCK = AgentConfig.CameraClockSource.FILE_TIMES;
    /** Beyond this a camera's clock is flagged: two minutes is already a question at a suppression hearing. */
    public static final java.time.Duration CAMERA_CLOCK_SKEW_LIMIT = java.time.Duration.ofMinutes(2);

    public static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    /** How far a back office's clock may be from the dock's when a command's validity window is checked. */
    public static final Duration COMMAND_CLOCK_SKEW = Duration.ofMinutes(2);
    public static final Duration SESSION_EXPIRY = Duration.ofHours(1);
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofMinutes(2);
    /** Also the ledger's outbox capacity when [mqtt] is absent. */
    public static final int OUTBOX_CAPACITY = 100_000;

    public static final AgentConfig.EvidenceSink EVIDENCE_SINK = AgentConfig.EvidenceSink.TUS;
    public static final long BANDWIDTH_BYTES_PER_SECOND = 0;
    public static final int UPLOAD_CONCURRENCY = 2;

    public static final boolean WIPE_AFTER_RECEIPT = true;
    public static final int MINIMUM_BATTERY_PERCENT = 80;

    // Not in agent.toml: fixed timings of the bay hardware (HardwareSettings) and of uploads.

    /** The badge reader: SPI0, chip select 0, 1 MHz. */
    public static final int BADGE_READER_SPI_BUS = 0;
    public static final int BADGE_READER_CHIP_SELECT = 0;
    public static final int BADGE_READER_BAUD = 1_000_000;
    public static final Duration BLINK_INTERVAL = Duration.ofMillis(400);
    public static final Duration BADGE_POLL_INTERVAL = Duration.ofMillis(200);
    public static final Duration GAUGE_POLL_INTERVAL = Duration.ofSeconds(30);
    public static final Duration PICKUP_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration REFUSAL_DURATION = Duration.ofSeconds(4);

    /** Uploads: connect and request timeouts, how long one delivery keeps retrying, its longest backoff. */
    public static final Duration UPLOAD_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration UPLOAD_REQUEST_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration UPLOAD_DELIVERY_DEADLINE = Duration.ofMinutes(10);
    public static final Duration UPLOAD_MAX_BACKOFF = Duration.ofSeconds(60);
    /** How long one part of an ingest waits for spool room before the ingest gives up (retried later). */
    public static final Duration SPOOL_WAIT = Duration.ofMinutes(30);

    public static AgentConfig.Usb usb() {
        return new AgentConfig.Usb(SYS_ROOT, DEV_ROOT, RESCAN_INTERVAL, DEBOUNCE, STABLE_INTERVAL, READ_TIMEOUT,
                java.util.Optional.empty(), 0);
    }

    public static AgentConfig.Logging logging() {
        return new AgentConfig.Logging(LOG_LEVEL);
    }

    public static AgentConfig.Policy policy() {
        return new AgentConfig.Policy(WIPE_AFTER_RECEIPT, MINIMUM_BATTERY_PERCENT);
    }
    /** How often a missing manifest timestamp is asked for again ([evidence.tsa] retryInterval). */
    public static final Duration TSA_RETRY_INTERVAL = Duration.ofMinutes(5);
}
