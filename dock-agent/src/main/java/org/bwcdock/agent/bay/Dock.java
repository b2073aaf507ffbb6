package org.bwcdock.agent.bay;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.ledger.EventClass;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.usb.CameraListener;
import org.bwcdock.agent.hardware.DockView;
import org.bwcdock.agent.hardware.DockedCamera;
import org.bwcdock.agent.upload.UploadListener;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.Mounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** All bays: routes USB events to the bay they belong to, and receipts to the bay holding that camera. */
public final class Dock implements CameraListener, UploadListener, DockView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dock.class);

    private final Ledger ledger;
    private final Map<String, CameraPolicy> policies;
    private final Map<Integer, BaySupervisor> bays = new TreeMap<>();
    private final Map<Integer, java.time.Instant> dockedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.time.Clock clock;
    private final Consumer<BayStatus> published;
    private volatile java.util.function.BiConsumer<Integer, String> undockHook = (bay, camera) -> { };

    public Dock(List<Integer> bayNumbers, Ledger ledger, Ingestor ingestor, Mounter mounter, Map<String, CameraPolicy> policies,
                boolean wipeAfterReceipt, Consumer<BayStatus> published, java.time.Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
        this.published = published;
        this.policies = Map.copyOf(policies);
        for (int n : bayNumbers) {
            bays.put(n, new BaySupervisor(n, ledger, ingestor, mounter, wipeAfterReceipt, published));
        }
    }

    @Override
    public void docked(int bay, UsbDevice device, String profile) {
        log.info("bay {}: camera {} docked ({} on port {})", bay, device.serial(), device.vendorProduct(), device.port());
        dockedAt.put(bay, clock.instant());
        bays.get(bay).docked(device, policies.get(profile));
    }

    @Override
    public void undocked(int bay, UsbDevice device) {
        log.info("bay {}: camera {} undocked", bay, device.serial());
        String camera = bays.get(bay).status().cameraId();
        dockedAt.remove(bay); // no longer listed by docked() before anyone hears of the undock
        bays.get(bay).undocked(device);
        undockHook.accept(bay, camera == null ? device.serial() : camera);
    }

    @Override
    public void ignored(UsbDevice device, String reason) {
        ledger.appendEvent("device-ignored", EventClass.OPERATIONAL, new ObjectMapper().createObjectNode()
                .put("port", device.port()).put("model", device.vendorProduct()).put("usbSerial", device.serial())
                .put("reason", reason).toString());
    }

    @Override
    public void progress(EvidenceFile file, long confirmed, long total) {
        for (BaySupervisor b : bays.values()) {
            if (b.holds(file.cameraId())) {
                b.uploadProgress(confirmed, total);
            }
        }
    }

    /** The evidence file was receipted: its camera's bay may now wipe it. */
    @Override
    public void receipted(EvidenceFile file) {
        for (BaySupervisor b : bays.values()) {
            if (b.holds(file.cameraId())) {
                b.receiptsChanged();
            }
        }
    }

    /** Who else must hear of an undock (the badge self-assignment records pickups then). Set once at wiring. */
    public void onUndock(java.util.function.BiConsumer<Integer, String> hook) {
        this.undockHook = hook;
    }

    /** The hardware changed something shown in a bay's state (battery, pending pickup): publish it again. */
    @Override
    public void bayChanged(int bay) {
        BaySupervisor b = bays.get(bay);
        if (b != null) {
            published.accept(b.status());
        }
    }

    /** For the hardware: which camera sits where, since when, and what battery level it reports. */
    @Override
    public List<DockedCamera> docked() {
        List<DockedCamera> out = new ArrayList<>();
        for (BaySupervisor b : bays.values()) {
            BayStatus s = b.status();
            java.time.Instant since = dockedAt.get(s.bay());
            if (s.cameraId() != null && since != null) {
                out.add(new DockedCamera(s.bay(), s.cameraId(), since, s.batteryPercent() >= 0
                        ? java.util.OptionalInt.of(s.batteryPercent()) : java.util.OptionalInt.empty()));
            }
        }
        return out;
    }

    public List<BayStatus> statuses() {
        List<BayStatus> out = new ArrayList<>();
        bays.values().forEach(b -> out.add(b.status()));
        return out;
    }

    @Override
    public void close() {
        bays.values().forEach(BaySupervisor::close);
    }
}
