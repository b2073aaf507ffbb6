package org.bwcdock.agent.bay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bwcdock.agent.custody.IngestException;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.ledger.Assignment;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EventClass;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.CameraVolume;
import org.bwcdock.agent.volume.FootageFile;
import org.bwcdock.agent.volume.Listing;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.Skipped;
import org.bwcdock.agent.volume.Volumes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One bay: the only place that knows the order of the stages for a docked camera — mount, list,
 * ingest each file, and, once everything is receipted, wipe and release. Work runs on the bay's own
 * thread, so a slow or stuck camera holds up only its own bay.
 */
final class BaySupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BaySupervisor.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int bay;
    private final Ledger ledger;
    private final Ingestor ingestor;
    private final Mounter mounter;
    private final boolean wipeAfterReceipt;
    private final Consumer<BayStatus> published;
    private final ExecutorService thread;
    private final AtomicReference<BayStatus> status;

    // Owned by the bay thread.
    private CameraVolume volume;
    private String cameraId;
    private Listing listing;
    private Future<?> current;

    BaySupervisor(int bay, Ledger ledger, Ingestor ingestor, Mounter mounter, boolean wipeAfterReceipt,
                  Consumer<BayStatus> published) {
        this.bay = bay;
        this.ledger = ledger;
        this.ingestor = ingestor;
        this.mounter = mounter;
        this.wipeAfterReceipt = wipeAfterReceipt;
        this.published = published;
        this.status = new AtomicReference<>(BayStatus.empty(bay));
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "bwcdock-bay-" + bay));
    }

    BayStatus status() {
        return status.get();
    }

    String cameraId() {
        return cameraId;
    }

    synchronized void docked(UsbDevice d, CameraPolicy policy) {
        current = thread.submit(() -> guarded("dock", () -> onDocked(d, policy)));
    }

    /** Cancels whatever runs for this camera (an ingest in progress is discarded) and unmounts. */
    synchronized void undocked(UsbDevice d) {
        if (current != null) {
            current.cancel(true);
        }
        thread.submit(() -> guarded("undock", () -> onUndocked(d)));
    }

    void uploadProgress(long confirmed, long total) {
        BayStatus s = status.get();
        publish(s.upload(confirmed, total).with(s.phase().equals("ingesting") ? "ingesting" : "uploading", null));
    }

    /** A file of this bay's camera may have been receipted: wipe if everything is. */
    void receiptsChanged() {
        thread.submit(() -> guarded("release", this::tryRelease));
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Any failure stays in this bay: logged, evented, the bay shows an error; other bays go on. */
    private void guarded(String what, Work work) {
        try {
            work.run();
        } catch (InterruptedException e) {
            log.info("bay {}: {} cancelled", bay, what);
        } catch (Exception e) {
            log.error("bay {}: {} failed: {}", bay, what, e.toString());
            event("bay-error", Map.of("stage", what, "error", String.valueOf(e.getMessage())));
            publish(status.get().with("error", what + " failed: " + e.getMessage()));
        }
    }

    private void onDocked(UsbDevice d, CameraPolicy policy) throws Exception {
        publish(BayStatus.empty(bay).with("mounting", "docked"));
        String where = "camera " + d.serial() + " bay " + bay;
        volume = Volumes.mount(mounter, d.devNode(), d.serial(), policy.limits(), where);
        Map<String, String> info = policy.deviceInfoFile().map(volume::deviceInfo).orElse(Map.of());
        cameraId = policy.idFromDeviceInfo() ? info.get("id") : d.serial();
        if (cameraId == null) {
            log.warn("{}: device info has no usable id; using the USB serial", where);
            cameraId = d.serial();
        }
        int battery = parsePercent(info.get("battery"));
        ledger.recordCamera(new CameraRecord(cameraId, d.vendorProduct(), d.serial(), false));
        // The back office's assignment wins; the camera's own info file is the fallback.
        String officer = ledger.currentAssignment(cameraId).map(Assignment::officerId).orElse(info.get("officer"));
        publish(status.get().camera(cameraId, officer, battery).with("listing", "docked"));
        event("docked", Map.of("cameraId", cameraId, "usbSerial", d.serial(), "model", d.vendorProduct(), "profile", policy.profile()));

        listing = volume.listStableFootage();
        for (Skipped s : listing.skipped()) {
            log.warn("camera {} bay {}: {}: {}", cameraId, bay, s.relativePath(), s.reason());
            event("file-skipped", Map.of("cameraId", cameraId, "path", s.relativePath(), "reason", s.reason()));
        }
        long total = listing.files().stream().mapToLong(FootageFile::size).sum();
        long before = 0;
        publish(status.get().with("ingesting", listing.files().size() + " file(s) found").ingest(0, total));
        for (FootageFile f : listing.files()) {
            ingestOne(f, officer, before, total);
            before += f.size();
            publish(status.get().ingest(before, total));
        }
        publish(status.get().with("uploading", "ingested " + listing.files().size() + " file(s)"));
        tryRelease();
    }

    private void ingestOne(FootageFile f, String officer, long before, long total) throws InterruptedException {
        long id = ledger.discover(cameraId, f.relativePath(), f.size(), f.mtimeMillis());
        EvidenceFile file = ledger.file(id).orElseThrow();
        switch (file.state()) {
            case INGESTING -> ledger.transition(id, FileState.INGESTING, FileState.DISCOVERED, "interrupted ingest started again");
            case FAILED -> ledger.transition(id, FileState.FAILED, FileState.DISCOVERED, "retry after: " + file.reason());
            case DISCOVERED -> { }
            default -> {
                return; // already ingested (or further): read once, never twice
            }
        }
        ledger.transition(id, FileState.DISCOVERED, FileState.INGESTING, null);
        IngestRequest req = new IngestRequest(id, cameraId, bay, officer, f.relativePath(), null, f.size(),
                f.mtimeMillis(), ledger.auditHead());
        IngestSource source = new IngestSource() {
            @Override
            public InputStream open() throws IOException {
                return volume.open(f);
            }

            @Override
            public boolean unchanged() {
                return volume.unchanged(f);
            }
        };
        try {
            IngestResult r = ingestor.ingest(req, source, new IngestListener() {
                @Override
                public void progress(long done, long size) {
                    publish(status.get().ingest(before + done, total));
                }

                @Override
                public void waitingForSpool() {
                    publish(status.get().with("ingesting", "waiting for spool space"));
                    event("spool-full", Map.of("cameraId", cameraId, "path", f.relativePath()));
                }
            });
            ledger.recordIngest(id, r.plaintextSha256(), r.parts(), r.manifestJson(), r.manifestSignature());
        } catch (InterruptedException e) {
            ledger.transition(id, FileState.INGESTING, FileState.DISCOVERED, "camera removed during ingest; parts discarded");
            throw e;
        } catch (IngestException e) {
            FileState to = e.retryable() ? FileState.FAILED : FileState.QUARANTINED;
            ledger.transition(id, FileState.INGESTING, to, e.getMessage());
            log.warn("{} ({})", e.getMessage(), to);
        }
    }

    /** Wipes the camera only when every listed file is receipted, policy allows it, and no legal hold applies. */
    private void tryRelease() throws IOException {
        if (volume == null || listing == null) {
            return;
        }
        releaseWipedBeforeACrash();
        Map<FootageFile, String> expected = new LinkedHashMap<>();
        Map<FootageFile, Long> ids = new LinkedHashMap<>();
        for (FootageFile f : listing.files()) {
            long id = ledger.discover(cameraId, f.relativePath(), f.size(), f.mtimeMillis());
            EvidenceFile ef = ledger.file(id).orElseThrow();
            if (ef.state() == FileState.RELEASED) {
                continue;
            }
            if (ef.state() != FileState.RECEIPTED || ledger.receipt(id).isEmpty()) {
                return; // not yet safe
            }
            expected.put(f, ef.plaintextSha256());
            ids.put(f, id);
        }
        boolean hold = ledger.camera(cameraId).map(CameraRecord::legalHold).orElse(false);
        if (!wipeAfterReceipt || hold || expected.isEmpty()) {
            publish(status.get().with("safe", hold ? "all receipted; legal hold: footage kept" : "all receipted"));
            return;
        }
        ledger.audit("agent", "wipe-start", cameraId, expected.size() + " receipted file(s)");
        List<Skipped> refused = volume.wipe(expected);
        for (Map.Entry<FootageFile, Long> e : ids.entrySet()) {
            Optional<Skipped> r = refused.stream().filter(s -> s.relativePath().equals(e.getKey().relativePath())).findFirst();
            if (r.isPresent()) {
                log.error("camera {} bay {}: {}: {}", cameraId, bay, r.get().relativePath(), r.get().reason());
                event("wipe-refused", Map.of("cameraId", cameraId, "path", r.get().relativePath(), "reason", r.get().reason()));
            } else {
                ledger.transition(e.getValue(), FileState.RECEIPTED, FileState.RELEASED, "deleted from the camera");
            }
        }
        event("wiped", Map.of("cameraId", cameraId, "files", Integer.toString(expected.size() - refused.size())));
        publish(status.get().with(refused.isEmpty() ? "safe" : "error", refused.isEmpty() ? "wiped: safe to take" : "wipe refused"));
        if (refused.isEmpty()) {
            volume.close(); // released: nothing more to read or delete on this camera
            volume = null;
        }
    }

    /**
     * Deleting a file from the camera and recording it RELEASED cannot be one transaction: a crash
     * (kill -9, power loss) in between leaves a file RECEIPTED in the ledger that is no longer on the
     * camera, and the wipe, which goes by the listing, would never look at it again. So a receipted
     * file of this camera whose path is gone from the volume is recorded as released now. Its receipt
     * stays the proof; a receipted file that is still there is left to the wipe, which checks its
     * hash before deleting. Only where this dock wipes at all: otherwise a file gone was not its doing.
     */
    private void releaseWipedBeforeACrash() {
        if (!wipeAfterReceipt) {
            return;
        }
        for (EvidenceFile f : ledger.filesOf(cameraId)) {
            if (f.state() == FileState.RECEIPTED && !present(f.relativePath())) {
                ledger.transition(f.id(), FileState.RECEIPTED, FileState.RELEASED,
                        "gone from the camera after its receipt: a wipe interrupted before it recorded the deletion");
                log.info("camera {} bay {}: {}: receipted and no longer on the camera; recorded as released",
                        cameraId, bay, f.relativePath());
            }
        }
    }

    /** Anything at all under that path on the volume (a link is not followed), or no way to tell: then it is not gone. */
    private boolean present(String relativePath) {
        Path p = volume.root().resolve(relativePath).normalize();
        return !p.startsWith(volume.root()) || !Files.notExists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private void onUndocked(UsbDevice d) {
        if (volume != null) {
            volume.close();
            volume = null;
        }
        String id = cameraId == null ? d.serial() : cameraId;
        event("undocked", Map.of("cameraId", id, "usbSerial", d.serial()));
        listing = null;
        cameraId = null;
        publish(BayStatus.empty(bay).with("empty", "undocked " + id));
    }

    boolean holds(String camera) {
        return camera != null && camera.equals(cameraId);
    }

    private void event(String type, Map<String, String> fields) {
        ObjectNode e = JSON.createObjectNode().put("bay", bay);
        fields.forEach(e::put);
        ledger.appendEvent(type, EventClass.EVIDENCE, e.toString());
    }

    private void publish(BayStatus s) {
        status.set(s);
        published.accept(s);
    }

    private static int parsePercent(String v) {
        try {
            int p = v == null ? -1 : Integer.parseInt(v);
            return p >= 0 && p <= 100 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(15, TimeUnit.SECONDS)) {
                log.warn("bay {}: work did not stop within 15 s", bay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (volume != null) {
            volume.close();
        }
    }
}
