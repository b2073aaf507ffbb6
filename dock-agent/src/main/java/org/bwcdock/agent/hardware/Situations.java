package org.bwcdock.agent.hardware;

import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.BayView;

import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;

import java.util.Optional;

/** Computes a bay's {@link BaySituation} from the ledger, the dock view, the gauges and the flags. */
final class Situations {
    private final Ledger ledger;
    private final DockView view;
    private final BatteryGauges gauges;
    private final BayFlags flags;

    Situations(Ledger ledger, DockView view, BatteryGauges gauges, BayFlags flags) {
        this.ledger = ledger;
        this.view = view;
        this.gauges = gauges;
        this.flags = flags;
    }

    BaySituation of(int bay) {
        Optional<BayView> docked = view.inBay(bay);
        BatteryReading battery = gauges.reading(bay);
        if (docked.isEmpty()) {
            boolean locked = view.bays().stream().anyMatch(v -> v.bay() == bay && v.phase() == BayPhase.LOCKED);
            return new BaySituation(bay, Optional.empty(), 0, 0, 0, battery, Optional.empty(), false,
                    Optional.empty(), false, flags.refused(), locked);
        }
        String cameraId = docked.get().cameraId();
        int inProgress = 0;
        int inError = 0;
        int refused = 0;
        for (EvidenceFile f : ledger.filesOf(cameraId)) {
            if (f.state() == FileState.FAILED || f.state() == FileState.QUARANTINED) {
                inError++;
            } else if (f.state() == FileState.REFUSED) {
                refused++;
            } else if (!f.state().isReceipted()) {
                inProgress++;
            }
        }
        boolean hold = ledger.camera(cameraId).map(CameraRecord::legalHold).orElse(false);
        Optional<String> officer = ledger.currentAssignment(cameraId).map(a -> a.officerId());
        Optional<String> pickup = flags.pickup(bay).filter(p -> p.cameraId().equals(cameraId)).map(PendingPickup::officerId);
        return new BaySituation(bay, Optional.of(cameraId), inProgress, inError, refused, battery, officer, hold, pickup,
                flags.locating(bay), flags.refused(), false);
    }
}
