package org.bwcdock.agent.bay;

import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.agent.usb.CameraListener;
import org.bwcdock.agent.hardware.DockView;
import org.bwcdock.agent.upload.UploadListener;
import org.bwcdock.agent.usb.LockedDevice;
import org.bwcdock.agent.usb.UsbDevice;
import org.bwcdock.agent.volume.Mounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** All bays: routes USB events to the bay they belong to, and receipts to the bay holding that camera. */
public final class Dock implements CameraListener, UploadListener, DockView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dock.class);

    private final Ledger ledger;
    private final Map<String, CameraPolicy> policies;
    private final Map<Integer, BaySupervisor> bays = new TreeMap<>();
    private volatile BiConsumer<Integer, String> undockHook = (bay, camera) -> { };

    /** @param published told of every change of a bay's view, in order per bay, from the thread that made it */
    public Dock(List<Integer> bayNumbers, Ledger ledger, Ingestor ingestor, Mounter mounter, Map<String, CameraPolicy> policies,
                boolean wipeAfterReceipt, Consumer<BayView> published, Clock clock, ClockSync clockSync) {
        this.ledger = ledger;
        this.policies = Map.copyOf(policies);
        for (int n : bayNumbers) {
            bays.put(n, new BaySupervisor(n, ledger, ingestor, mounter, wipeAfterReceipt, published, clock, clockSync));
        }
    }

    @Override
    public void docked(int bay, UsbDevice device, String profile) {
        log.info("bay {}: camera {} docked ({} on port {})", bay, device.serial(), device.vendorProduct(), device.port());
        bays.get(bay).docked(device, policies.get(profile));
    }

    @Override
    public void undocked(int bay, UsbDevice device) {
        log.info("bay {}: camera {} undocked", bay, device.serial());
        String camera = bays.get(bay).view().cameraId();
        bays.get(bay).undocked(device);
        undockHook.accept(bay, camera == null ? device.serial() : camera);
    }

    @Override
    public void ignored(UsbDevice device, String reason) {
        ledger.appendEvent(new DockEvent.DeviceIgnored(device.port(), device.vendorProduct(), device.serial(), reason));
    }

    /** Durable first (audit row and event), then the bay shows it. */
    @Override
    public void portLocked(int bay, LockedDevice d) {
        ledger.audit("agent", "bay-port-lockdown", "bay " + bay + " port " + d.port(), d.vendorProduct() + " serial "
                + d.serial() + " interface classes " + d.interfaceClasses() + ": " + d.detail());
        ledger.appendEvent(new DockEvent.BayPortLockdown(bay, d.port(), d.vendorProduct(), d.serial(), d.interfaceClasses(),
                d.deauthorized(), d.detail()));
        bays.get(bay).portLocked((d.deauthorized() ? "USB device de-authorised: " : "USB device refused: ") + d.vendorProduct()
                + " offers interface classes " + d.interfaceClasses());
    }

    @Override
    public void portCleared(int bay, LockedDevice d) {
        bays.get(bay).portCleared("locked-out USB device " + d.vendorProduct() + " removed");
    }

    /** From an upload worker: each bay takes it only if it holds that camera at that moment. */
    @Override
    public void progress(EvidenceFile file, long confirmed, long total) {
        for (BaySupervisor b : bays.values()) {
            b.uploadProgress(file.cameraId(), confirmed, total);
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
    public void onUndock(BiConsumer<Integer, String> hook) {
        this.undockHook = hook;
    }

    /** The hardware changed something shown in a bay's state (battery, pending pickup): publish it again. */
    @Override
    public void bayChanged(int bay) {
        BaySupervisor b = bays.get(bay);
        if (b != null) {
            b.republish();
        }
    }

    /** Every bay as it is now, in bay order (battery as the camera reports it; the agent adds the gauge's). */
    @Override
    public List<BayView> bays() {
        return bays.values().stream().map(BaySupervisor::view).toList();
    }

    /**
     * For the hardware: the bays with a camera in them, without one just undocked whose bay thread
     * is still winding down (its view still names the camera, but nobody may pick it up).
     */
    @Override
    public List<BayView> docked() {
        return bays.values().stream().filter(b -> !b.leaving()).map(BaySupervisor::view).filter(BayView::occupied).toList();
    }

    @Override
    public void close() {
        bays.values().forEach(BaySupervisor::close);
    }
}
