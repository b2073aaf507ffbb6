package org.bwcdock.agent.bay;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.custody.IngestException;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.VolumeLimits;
import org.bwcdock.format.NameBytes;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file the camera will not let be read (issue 17, point 6) is REFUSED with its reason, reported,
 * and does not hold back the wipe of the receipted files: the bay ends "safe, 1 file left on the
 * camera". A transient failure stays FAILED and does hold it back. The real permission-denied
 * path (an agent that is not root) is the sandbox's RefusedFilesTest; here the refusal comes from
 * the ingestor, as {@code CmsIngestor} gives it (IngestTest), so that the bay's logic runs as root.
 */
@Timeout(60)
class RefusedFileTest {
    private static final byte[] NOT_UTF8 = {'D', 'C', 'I', 'M', '/', '1', '0', '0', '/', 'V', (byte) 0xff, (byte) 0xfe, '.', 'M', 'P', '4'};

    @TempDir
    Path dir;
    Path camera;
    Ledger ledger;
    BaySupervisor bay;
    final List<BayView> views = new CopyOnWriteArrayList<>();
    final UsbDevice device = new UsbDevice("sdb1", Path.of("/dev/sdb1"), "2a3b:0001", "CAM1", "1-1.1");

    @BeforeEach
    void dockWith() throws Exception {
        camera = Files.createDirectories(dir.resolve("cameras/CAM1/DCIM/100")).getParent().getParent();
        for (String name : List.of("GOOD1.MP4", "GOOD2.MP4", "LOCKED.MP4")) {
            Files.writeString(camera.resolve("DCIM/100").resolve(name), "clip " + name);
        }
        Files.writeString(NameBytes.resolve(camera, NOT_UTF8), "clip with a name that is not UTF-8");
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (bay != null) {
            bay.close();
        }
        ledger.close();
    }

    /** Reads the file as the real ingestor would, but refuses LOCKED.MP4 and fails FLAKY.MP4 the way it would. */
    private static final class FakeIngestor implements Ingestor {
        @Override
        public IngestResult ingest(IngestRequest req, List<org.bwcdock.agent.ledger.PartRecord> kept, IngestSource source,
                                   IngestListener listener) throws IngestException {
            String where = "camera " + req.cameraId() + " bay " + req.bay() + ": " + req.relativePath();
            if (req.relativePath().endsWith("LOCKED.MP4")) {
                throw IngestException.refused(where + ": cannot be read: permission denied", null);
            }
            if (req.relativePath().endsWith("FLAKY.MP4")) {
                throw new IngestException(where + ": read failed at byte 0: Input/output error", true, null);
            }
            try (InputStream in = source.open()) {
                return new IngestResult(Digests.sha256Hex(in), List.of(), new byte[] {1}, new byte[] {2});
            } catch (IOException e) {
                throw new IngestException(where + ": " + e.getMessage(), true, e);
            }
        }

        @Override
        public List<org.bwcdock.agent.ledger.PartRecord> keepable(List<org.bwcdock.agent.ledger.PartRecord> recorded) {
            return List.of();
        }

        @Override
        public void discard(long fileId) {
        }

        @Override
        public void close() {
        }
    }

    private void dock() {
        VolumeLimits limits = new VolumeLimits(List.of("DCIM/**/*.MP4"), 1L << 30, 16, 1000, 255, Duration.ZERO, Duration.ofSeconds(5));
        bay = new BaySupervisor(1, ledger, new FakeIngestor(), Mounter.directories(dir.resolve("cameras")), true, views::add,
                Clock.systemUTC(), ClockSync.kernel());
        bay.docked(device, new CameraPolicy("test", limits, Optional.empty(), false, AgentConfig.CameraClockSource.NONE,
                Duration.ofMinutes(2)));
    }

    private Map<String, FileState> states() {
        return ledger.filesOf("CAM1").stream().collect(Collectors.toMap(EvidenceFile::relativePath, EvidenceFile::state,
                (a, b) -> a, TreeMap::new));
    }

    /** Every INGESTED file receipted, as the uploader does it. */
    private void receiptAll() {
        for (EvidenceFile f : ledger.filesOf("CAM1")) {
            if (f.state() == FileState.INGESTED) {
                ledger.transition(f.id(), FileState.INGESTED, FileState.UPLOADING, null);
                ledger.transition(f.id(), FileState.UPLOADING, FileState.UPLOADED, null);
                ledger.recordReceipt(f.id(), new byte[] {3});
            }
        }
        bay.receiptsChanged();
    }

    private List<String> onCamera() throws IOException {
        try (Stream<Path> files = Files.list(camera.resolve("DCIM/100"))) {
            return files.map(p -> NameBytes.decode(NameBytes.relative(camera, p))).sorted().toList();
        }
    }

    @Test
    void aRefusedFileIsRecordedWithItsReasonReportedAndDoesNotHoldBackTheWipe() throws Exception {
        dock();
        Poll.until("four files ingested or refused", Duration.ofSeconds(20), () -> states().size() == 4
                && states().values().stream().allMatch(s -> s == FileState.INGESTED || s == FileState.REFUSED), () -> states().toString());
        EvidenceFile locked = ledger.filesOf("CAM1").stream().filter(f -> f.relativePath().endsWith("LOCKED.MP4")).findFirst().orElseThrow();
        assertEquals(FileState.REFUSED, locked.state());
        assertTrue(locked.reason().endsWith("DCIM/100/LOCKED.MP4: cannot be read: permission denied"), locked.reason());
        assertEquals(FileState.INGESTED, states().get(NameBytes.decode(NOT_UTF8)), "the name that is not UTF-8 is taken: " + states());

        receiptAll();
        Poll.until("the bay safe, with the refused file left", Duration.ofSeconds(20),
                () -> bay.view().phase() == BayPhase.SAFE, () -> "bay: " + bay.view());
        assertEquals("safe, 1 file left on the camera", bay.view().lastEvent());
        assertEquals(List.of("DCIM/100/LOCKED.MP4"), onCamera(), "every receipted file wiped, the refused one left");
        assertEquals(3, states().values().stream().filter(s -> s == FileState.RELEASED).count(), states()::toString);

        List<OutboxEvent> events = ledger.pendingEvents(1000);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("file-refused") && e.payloadJson().contains("LOCKED.MP4")
                && e.payloadJson().contains("permission denied")), "reported");
        assertTrue(events.stream().anyMatch(e -> e.type().equals("wiped") && e.payloadJson().contains("V\\\\xff\\\\xfe.MP4")),
                "the name shown escaped in the wiped event: " + events.stream().filter(e -> e.type().equals("wiped")).toList());
        assertEquals("CAM1:DCIM/100/LOCKED.MP4 file " + locked.id() + " from INGESTING: camera CAM1 bay 1: DCIM/100/LOCKED.MP4: "
                + "cannot be read: permission denied", auditRow("file-refused"));
        assertTrue(ledger.verifyAudit().ok());
    }

    @Test
    void aRefusedFileIsTriedAgainAtTheNextDocking() throws Exception {
        dock();
        Poll.until("LOCKED.MP4 refused", Duration.ofSeconds(20), () -> states().get("DCIM/100/LOCKED.MP4") == FileState.REFUSED);
        bay.undocked(device);
        Poll.until("bay empty", Duration.ofSeconds(10), () -> bay.view().phase() == BayPhase.EMPTY);
        bay.close();
        views.clear();
        dock();
        Poll.until("LOCKED.MP4 tried again", Duration.ofSeconds(20), () -> ledger.pendingEvents(1000).stream()
                .filter(e -> e.type().equals("file-refused")).count() == 2);
        assertEquals(FileState.REFUSED, states().get("DCIM/100/LOCKED.MP4"));
    }

    /** A transient failure (an I/O error) stays FAILED and retryable, and does hold back the wipe. */
    @Test
    void aTransientFailureStaysFailedAndHoldsBackTheWipe() throws Exception {
        Files.move(camera.resolve("DCIM/100/LOCKED.MP4"), camera.resolve("DCIM/100/FLAKY.MP4"));
        dock();
        Poll.until("FLAKY.MP4 failed, the rest ingested", Duration.ofSeconds(20), () -> states().size() == 4
                && states().values().stream().allMatch(s -> s == FileState.INGESTED || s == FileState.FAILED), () -> states().toString());
        receiptAll();
        // The bay thread runs one task at a time: once the undock has been handled, the release attempt has too.
        bay.undocked(device);
        Poll.until("bay empty", Duration.ofSeconds(10), () -> bay.view().phase() == BayPhase.EMPTY);
        assertTrue(views.stream().noneMatch(v -> v.phase() == BayPhase.SAFE), "never safe with a FAILED file: " + views);
        assertEquals(4, onCamera().size(), "nothing wiped while a file may still be read");
        assertEquals(FileState.FAILED, states().get("DCIM/100/FLAKY.MP4"));
    }

    /** subject and detail of the newest audit row with this action. */
    private String auditRow(String action) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
             var p = c.prepareStatement("SELECT subject, detail FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1")) {
            p.setString(1, action);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) + " " + r.getString(2) : "(none)";
            }
        }
    }
}
