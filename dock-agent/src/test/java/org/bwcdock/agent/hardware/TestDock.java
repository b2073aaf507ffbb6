package org.bwcdock.agent.hardware;

import org.bwcdock.testing.Poll;
import org.bwcdock.agent.events.BayView;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;


/** A {@link DockView} the test docks cameras into, plus helpers shared by the hardware tests. */
final class TestDock implements DockView {
    final List<BayView> cameras = new CopyOnWriteArrayList<>();
    final AtomicInteger changes = new AtomicInteger();

    @Override
    public List<BayView> bays() {
        return List.copyOf(cameras);
    }

    @Override
    public void bayChanged(int bay) {
        changes.incrementAndGet();
    }

    void dock(int bay, String cameraId, Instant at, OptionalInt reported) {
        cameras.removeIf(c -> c.bay() == bay);
        cameras.add(BayView.docked(bay, cameraId, at, reported));
    }

    void dock(int bay, String cameraId, Instant at) {
        dock(bay, cameraId, at, OptionalInt.empty());
    }

    void undock(int bay) {
        cameras.removeIf(c -> c.bay() == bay);
    }

    /** LEDs: bay 1 on 5/6/13, bay 2 on 19/26/12, bay 3 on 16/20/21; gauges at 0x36 on buses 1, 3, 4. */
    static HardwareSettings settings(Map<String, String> badges, int minimumBattery) {
        List<HardwareSettings.BayWiring> bays = List.of(
                bay(1, 5, 6, 13, 1), bay(2, 19, 26, 12, 3), bay(3, 16, 20, 21, 4));
        return new HardwareSettings(AgentConfig.Hardware.SIMULATED, bays, badges, minimumBattery,
                new HardwareSettings.SpiAddress(0, 0, 1_000_000), Duration.ofMillis(40), Duration.ofMillis(20),
                Duration.ofMillis(30), Duration.ofSeconds(30), Duration.ofSeconds(2), Optional.empty());
    }

    private static HardwareSettings.BayWiring bay(int n, int g, int a, int r, int bus) {
        return new HardwareSettings.BayWiring(n, Optional.of(new HardwareSettings.Leds(g, a, r)),
                Optional.of(new HardwareSettings.GaugeAddress(bus, 0x36)));
    }

    static final int[][] PINS = {{}, {5, 6, 13}, {19, 26, 12}, {16, 20, 21}};

    /** The mock output on a BCM pin, read from the Pi4J registry. */
    static MockDigitalOutput output(DockHardware hw, int gpio) {
        return hw.pi4j().orElseThrow().registry().allByType(DigitalOutput.class).values().stream()
                .filter(o -> o.address() == gpio).map(o -> (MockDigitalOutput) o).findFirst()
                .orElseThrow(() -> new AssertionError("no output on GPIO " + gpio));
    }

    /** "GAR" letters for the lit LEDs of a bay (green, amber, red), "-" for dark ones. */
    static String leds(DockHardware hw, int bay) {
        int[] p = PINS[bay];
        return (output(hw, p[0]).isHigh() ? "G" : "-") + (output(hw, p[1]).isHigh() ? "A" : "-")
                + (output(hw, p[2]).isHigh() ? "R" : "-");
    }

    static void await(String what, Duration max, Poll.Condition condition) {
        try {
            Poll.until(what, max, condition);
        } catch (Exception e) {
            throw new AssertionError("waiting for " + what + ": " + e, e);
        }
    }

    /** Waits until the bay shows this LED pattern. */
    static void awaitLeds(DockHardware hw, int bay, String pattern) {
        await("bay " + bay + " LEDs " + pattern, Duration.ofSeconds(5), () -> leds(hw, bay).equals(pattern));
    }

    /** Records the camera and one file moved along the real state machine into {@code target}. */
    static long fileIn(Ledger ledger, String cameraId, String path, FileState target) {
        ledger.recordCamera(new CameraRecord(cameraId, "2a3b:0001", cameraId, false));
        long id = ledger.discover(cameraId, path, 100, 1_000);
        List<FileState> path0 = switch (target) {
            case DISCOVERED -> List.of();
            case INGESTING -> List.of(FileState.INGESTING);
            case INGESTED -> List.of(FileState.INGESTING, FileState.INGESTED);
            case UPLOADING -> List.of(FileState.INGESTING, FileState.INGESTED, FileState.UPLOADING);
            case UPLOADED -> List.of(FileState.INGESTING, FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED);
            case RECEIPTED -> List.of(FileState.INGESTING, FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED,
                    FileState.RECEIPTED);
            case RELEASED -> List.of(FileState.INGESTING, FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED,
                    FileState.RECEIPTED, FileState.RELEASED);
            case FAILED -> List.of(FileState.FAILED);
            case QUARANTINED -> List.of(FileState.INGESTING, FileState.QUARANTINED);
            case REFUSED -> List.of(FileState.INGESTING, FileState.REFUSED);
        };
        FileState at = FileState.DISCOVERED;
        for (FileState next : path0) {
            if (next == FileState.INGESTED) {
                ledger.recordIngest(id, "ab".repeat(32), List.of(), new byte[]{1}, new byte[]{2});
            } else if (next == FileState.RECEIPTED) {
                ledger.recordReceipt(id, new byte[]{3});
            } else {
                ledger.transition(id, at, next, next == FileState.FAILED || next == FileState.QUARANTINED ? "test" : null);
            }
            at = next;
        }
        return id;
    }

    static boolean hardwareThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive()
                && (t.getName().equals("bwcdock-bay-lights") || t.getName().equals("bwcdock-badge-reader")
                || t.getName().equals("bwcdock-battery-gauges")));
    }
}
