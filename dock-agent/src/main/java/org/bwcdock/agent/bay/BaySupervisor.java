package org.bwcdock.agent.bay;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.custody.IngestException;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.ledger.Assignment;
import org.bwcdock.agent.ledger.CameraIdentityException;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.CameraVolume;
import org.bwcdock.agent.volume.Fingerprint;
import org.bwcdock.agent.volume.FootageFile;
import org.bwcdock.agent.volume.Listing;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.Skipped;
import org.bwcdock.agent.volume.Volumes;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.NameBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One bay: the only place that knows the order of the stages for a docked camera — mount, list,
 * ingest each file, and, once everything is receipted, wipe and release. Work runs on the bay's own
 * thread, so a slow or stuck camera holds up only its own bay.
 *
 * <p>The bay thread owns the camera (volume, listing, id). The bay's {@link BayView} is the one thing
 * other threads change too: upload workers report progress while the bay thread may be busy for
 * minutes in an ingest, so progress cannot wait in the bay thread's queue to be shown. Every change of
 * the view is therefore one read-modify-write under {@link #viewLock}, published in the order made,
 * and upload progress only ever changes the upload figures of the camera it belongs to — never the
 * phase, so a late progress report cannot turn "safe" back into "uploading".
 */
final class BaySupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BaySupervisor.class);

    private final int bay;
    private final Ledger ledger;
    private final Ingestor ingestor;
    private final Mounter mounter;
    private final boolean wipeAfterReceipt;
    private final Consumer<BayView> published;
    private final Clock clock;
    private final ClockSync clockSync;
    private final ExecutorService thread;
    private final Refusals refusals;
    private final KeptParts keptParts;
    private final Object viewLock = new Object();
    /** Written only under {@link #viewLock}; read without it (an immutable snapshot). */
    private volatile BayView view;

    // Owned by the bay thread.
    private CameraVolume volume;
    private String cameraId;
    private Listing listing;
    private Manifest.CameraClock cameraClock;
    /** The work for the docked camera, cancelled on undock; guarded by this object (USB thread). */
    private Future<?> current;
    /** Undocked, and the bay thread has not shown the bay empty yet (set by the USB thread). */
    private volatile boolean leaving;

    BaySupervisor(int bay, Ledger ledger, Ingestor ingestor, Mounter mounter, boolean wipeAfterReceipt,
                  Consumer<BayView> published, Clock clock, ClockSync clockSync) {
        this.bay = bay;
        this.ledger = ledger;
        this.ingestor = ingestor;
        this.mounter = mounter;
        this.wipeAfterReceipt = wipeAfterReceipt;
        this.published = published;
        this.clock = clock;
        this.clockSync = clockSync;
        this.view = BayView.empty(bay);
        this.refusals = new Refusals(ledger, bay);
        this.keptParts = new KeptParts(ledger, ingestor, bay);
        this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "bwcdock-bay-" + bay));
    }

    BayView view() {
        return view;
    }

    /** The camera was undocked and its view not yet emptied. */
    boolean leaving() {
        return leaving;
    }

    synchronized void docked(UsbDevice d, CameraPolicy policy) {
        leaving = false;
        current = thread.submit(() -> guarded("dock", () -> onDocked(d, policy)));
    }

    /**
     * Cancels whatever runs for this camera (an ingest in progress is discarded) and unmounts. The
     * view turns empty once the bay thread has wound down; until then {@link #leaving()} says the
     * camera is gone, so that no badge pickup hands it out meanwhile.
     */
    synchronized void undocked(UsbDevice d) {
        leaving = true;
        if (current != null) {
            current.cancel(true);
        }
        thread.submit(() -> guarded("undock", () -> onUndocked(d)));
    }

    /** The port holds a locked-out device; queued behind an undock of a camera there, so its view cannot overwrite this. */
    void portLocked(String what) {
        thread.submit(() -> update(v -> BayView.empty(bay).withPhase(BayPhase.LOCKED, what)));
    }

    void portCleared(String what) {
        thread.submit(() -> update(v -> v.phase() == BayPhase.LOCKED ? BayView.empty(bay).withPhase(BayPhase.EMPTY, what) : v));
    }

    /** From an upload worker: progress of a file of {@code camera}; ignored unless this bay holds that camera now. */
    void uploadProgress(String camera, long confirmed, long total) {
        update(v -> camera.equals(v.cameraId()) ? v.withUpload(confirmed, total) : v);
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
            event(new DockEvent.BayError(bay, what, String.valueOf(e.getMessage())));
            update(v -> v.withPhase(BayPhase.ERROR, what + " failed: " + e.getMessage()));
        }
    }

    private void onDocked(UsbDevice d, CameraPolicy policy) throws Exception {
        Instant at = clock.instant();
        update(v -> BayView.empty(bay).withPhase(BayPhase.MOUNTING, "docked"));
        String where = "camera " + d.serial() + " bay " + bay;
        volume = Volumes.mount(mounter, d.devNode(), d.serial(), policy.limits(), where);
        Map<String, String> info = policy.deviceInfoFile().map(volume::deviceInfo).orElse(Map.of());
        Instant infoReadAt = clock.instant();
        cameraId = policy.idFromDeviceInfo() ? info.get("id") : d.serial();
        if (cameraId == null) {
            log.warn("{}: device info has no usable id; using the USB serial", where);
            cameraId = d.serial();
        }
        OptionalInt battery = parsePercent(info.get("battery"));
        try {
            ledger.recordCamera(new CameraRecord(cameraId, d.vendorProduct(), d.serial(), false));
        } catch (CameraIdentityException e) {
            // An impostor (or a camera given another's id): nothing is read from it and nothing is
            // wiped; it inherits no held or receipted file. The ledger has audited and reported it.
            log.warn("bay {}: camera quarantined: {}", bay, e.getMessage());
            volume.close();
            volume = null;
            String claimed = cameraId;
            update(v -> v.withCamera(claimed, null, at, battery).withPhase(BayPhase.ERROR,
                    "quarantined: id " + claimed + " belongs to another camera"));
            return;
        }
        // The back office's assignment wins; the camera's own info file is the fallback.
        String officer = ledger.currentAssignment(cameraId).map(Assignment::officerId).orElse(info.get("officer"));
        String id = cameraId;
        update(v -> v.withCamera(id, officer, at, battery).withPhase(BayPhase.LISTING, "docked"));
        event(new DockEvent.Docked(bay, cameraId, d.serial(), d.vendorProduct(), policy.profile()));

        listing = volume.listStableFootage();
        for (Skipped s : listing.skipped()) {
            log.warn("camera {} bay {}: {}: {}", cameraId, bay, s.relativePath(), s.reason());
            event(new DockEvent.FileSkipped(bay, cameraId, s.relativePath(), s.reason()));
        }
        for (Skipped s : listing.refused()) {
            refusals.listed(cameraId, s.relativePath(), s.reason());
        }
        keptParts.discardStale(cameraId, listing.files());
        cameraClock = measureClock(policy, info, infoReadAt, at);
        long total = listing.files().stream().mapToLong(FootageFile::size).sum();
        long before = 0;
        int found = listing.files().size();
        update(v -> v.withPhase(BayPhase.INGESTING, found + " file(s) found").withIngest(0, total));
        for (FootageFile f : listing.files()) {
            ingestOne(f, officer, before, total);
            before += f.size();
            long done = before;
            update(v -> v.withIngest(done, total));
        }
        update(v -> v.withPhase(BayPhase.UPLOADING, "ingested " + found + " file(s)"));
        tryRelease();
    }

    /** The camera's clock against the dock's; a skewed one is flagged in every manifest and evented once per docking. */
    private Manifest.CameraClock measureClock(CameraPolicy policy, Map<String, String> info, Instant infoReadAt, Instant dockedAt) {
        Manifest.CameraClock c = CameraClocks.measure(policy, info, infoReadAt, listing.files(), dockedAt);
        if (policy.clock() == AgentConfig.CameraClockSource.DEVICE_INFO && c.offsetMillis() == null) {
            log.warn("camera {} bay {}: the device info states no usable clock; its clock is not measured", cameraId, bay);
        }
        if (c.skewed()) {
            log.warn("camera {} bay {}: its clock is {}{} ms off the dock's (from {}; limit {} ms)", cameraId, bay,
                    c.lowerBound() ? "at least " : "", c.offsetMillis(), c.source(), c.skewLimitMillis());
            event(new DockEvent.CameraClockSkewed(bay, cameraId, c.source(), c.offsetMillis(), c.lowerBound(), c.skewLimitMillis()));
        }
        return c;
    }

    private void ingestOne(FootageFile f, String officer, long before, long total) throws InterruptedException {
        long id = ledger.discover(cameraId, f.relativePath(), f.size(), f.mtimeMillis());
        EvidenceFile file = ledger.file(id).orElseThrow();
        switch (file.state()) {
            case INGESTING -> ledger.transition(id, FileState.INGESTING, FileState.DISCOVERED, "interrupted ingest started again");
            case FAILED, REFUSED -> ledger.transition(id, file.state(), FileState.DISCOVERED, "retry after: " + file.reason());
            case DISCOVERED -> { }
            default -> {
                return; // already ingested (or further): read once, never twice
            }
        }
        // Parts an interrupted ingest left durable (and maybe uploaded) are kept; the rest is read again.
        List<PartRecord> kept = keptParts.forResume(id);
        ledger.transition(id, FileState.DISCOVERED, FileState.INGESTING, kept.isEmpty() ? null
                : "resumed after " + kept.size() + " durable part(s)");
        IngestRequest req = new IngestRequest(id, cameraId, bay, officer, f.relativePath(), null, f.size(),
                f.mtimeMillis(), ledger.auditHead(), new Manifest.ClockEvidence(clockSync.read(), cameraClock));
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
            IngestResult r = ingestor.ingest(req, kept, source, new IngestListener() {
                @Override
                public void partDurable(PartRecord part) {
                    ledger.recordPart(id, part); // the uploader may send it now, while later parts are read
                }

                @Override
                public void progress(long done, long size) {
                    update(v -> v.withIngest(before + done, total));
                }

                @Override
                public void waitingForSpool() {
                    update(v -> v.withPhase(BayPhase.INGESTING, "waiting for spool space"));
                    event(new DockEvent.SpoolFull(bay, cameraId, f.relativePath()));
                }
            });
            ledger.recordIngest(id, r.plaintextSha256(), r.parts(), r.manifestJson(), r.manifestSignature());
        } catch (InterruptedException e) {
            ledger.transition(id, FileState.INGESTING, FileState.DISCOVERED,
                    "ingest cancelled (camera removed or agent stopping); its durable parts are kept to resume");
            throw e;
        } catch (IngestException e) {
            if (e.refused()) {
                refusals.ingestRefused(id, cameraId, f.relativePath(), e.getMessage());
                return;
            }
            FileState to = e.retryable() ? FileState.FAILED : FileState.QUARANTINED;
            ledger.transition(id, FileState.INGESTING, to, e.getMessage());
            log.warn("{} ({})", e.getMessage(), to);
        }
    }

    /**
     * Wipes the camera only when every listed file is receipted or refused, policy allows it, and no
     * legal hold applies. A refused file (the camera will not let it be read) stays on the camera and
     * is reported; waiting for it would keep every receipted file on the camera forever.
     */
    private void tryRelease() throws IOException {
        if (volume == null || listing == null) {
            return;
        }
        releaseWipedBeforeACrash();
        Map<FootageFile, Fingerprint> expected = new LinkedHashMap<>();
        Map<FootageFile, Long> ids = new LinkedHashMap<>();
        int left = listing.refused().size();
        for (FootageFile f : listing.files()) {
            long id = ledger.discover(cameraId, f.relativePath(), f.size(), f.mtimeMillis());
            EvidenceFile ef = ledger.file(id).orElseThrow();
            if (ef.state() == FileState.RELEASED) {
                continue;
            }
            if (ef.state() == FileState.REFUSED) {
                left++;
                continue;
            }
            if (ef.state() != FileState.RECEIPTED || ledger.receipt(id).isEmpty()) {
                return; // not yet safe
            }
            // The manifest's parts: the wipe hashes them at once on several cores, each against its ingest hash.
            expected.put(f, new Fingerprint(ef.plaintextSha256(), ledger.parts(id).stream()
                    .map(p -> new Fingerprint.Piece(p.offset(), p.length(), p.plaintextSha256())).toList()));
            ids.put(f, id);
        }
        boolean hold = ledger.camera(cameraId).map(CameraRecord::legalHold).orElse(false);
        String leftBehind = Refusals.leftBehind(left);
        if (!wipeAfterReceipt || hold || expected.isEmpty()) {
            String shown = hold ? "all receipted; legal hold: footage kept" : expected.isEmpty() && left > 0 ? "safe" : "all receipted";
            update(v -> v.withPhase(BayPhase.SAFE, leftBehind.isEmpty() ? shown : shown + ", " + leftBehind));
            return;
        }
        ledger.audit("agent", "wipe-start", cameraId, expected.size() + " receipted file(s)");
        List<Skipped> refused = volume.wipe(expected);
        List<String> wiped = new ArrayList<>();
        for (Map.Entry<FootageFile, Long> e : ids.entrySet()) {
            Optional<Skipped> r = refused.stream().filter(s -> s.relativePath().equals(e.getKey().relativePath())).findFirst();
            if (r.isPresent()) {
                log.error("camera {} bay {}: {}: {}", cameraId, bay, r.get().relativePath(), r.get().reason());
                event(new DockEvent.WipeRefused(bay, cameraId, r.get().relativePath(), r.get().reason()));
            } else {
                ledger.transition(e.getValue(), FileState.RECEIPTED, FileState.RELEASED, "deleted from the camera");
                wiped.add(e.getKey().relativePath());
            }
        }
        event(new DockEvent.Wiped(bay, cameraId, wiped));
        String safe = leftBehind.isEmpty() ? "wiped: safe to take" : "safe, " + leftBehind;
        update(v -> refused.isEmpty() ? v.withPhase(BayPhase.SAFE, safe) : v.withPhase(BayPhase.ERROR, "wipe refused"));
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
        Path p;
        try {
            p = NameBytes.resolve(volume.root(), relativePath); // by its bytes (a name that is not UTF-8 too)
        } catch (IllegalArgumentException e) {
            return true;
        }
        return !p.normalize().startsWith(volume.root()) || !Files.notExists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private void onUndocked(UsbDevice d) {
        if (volume != null) {
            volume.close();
            volume = null;
        }
        String id = cameraId == null ? d.serial() : cameraId;
        event(new DockEvent.Undocked(bay, id, d.serial()));
        listing = null;
        cameraId = null;
        update(v -> BayView.empty(bay).withPhase(BayPhase.EMPTY, "undocked " + id));
    }

    /**
     * Publishes the view again, unchanged (the hardware changed something shown with it). Under the
     * lock like every change, so that it cannot overtake a newer view with an older one. Safe from
     * hardware threads: the locks taken under this one (the lights', the gauges', the ledger's) are
     * never held while calling here, and the one that is (the badge service's) is never taken under it.
     */
    void republish() {
        synchronized (viewLock) {
            published.accept(view);
        }
    }

    /** Whether this bay holds the camera now (any thread: reads the view). */
    boolean holds(String camera) {
        return camera != null && camera.equals(view.cameraId());
    }

    private void event(DockEvent e) {
        ledger.appendEvent(e);
    }

    /** The one way the view changes (class comment): under the lock, published in order; no change, no publish. */
    private void update(UnaryOperator<BayView> change) {
        synchronized (viewLock) {
            BayView next = change.apply(view);
            if (next.equals(view)) {
                return;
            }
            view = next;
            published.accept(next);
        }
    }

    private static OptionalInt parsePercent(String v) {
        try {
            int p = v == null ? -1 : Integer.parseInt(v.trim());
            return p >= 0 && p <= 100 ? OptionalInt.of(p) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
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
