package org.bwcdock.agent.bay;

import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files a camera will not give, for a reason that will not go away by itself (permission denied, a
 * name it lists but does not find again): each is recorded REFUSED with that reason (the ledger
 * audits it and emits its evidence-state event), logged saying why, and reported as a
 * {@code file-refused} event. They stay on the camera and do not hold back its wipe.
 */
final class Refusals {
    private static final Logger log = LoggerFactory.getLogger(Refusals.class);

    private final Ledger ledger;
    private final int bay;

    Refusals(Ledger ledger, int bay) {
        this.ledger = ledger;
        this.bay = bay;
    }

    /** The ingest of file {@code id} (INGESTING) was refused; {@code reason} names the camera, bay and file. */
    void ingestRefused(long id, String cameraId, String path, String reason) {
        ledger.transition(id, FileState.INGESTING, FileState.REFUSED, reason);
        reported(cameraId, path, reason);
    }

    /**
     * A footage name listed but not given back: its size and time are unknown (0 in the ledger).
     * Recorded again at each docking, as a refused file is tried again at each.
     */
    void listed(String cameraId, String path, String why) {
        long id = ledger.discover(cameraId, path, 0, 0);
        FileState state = ledger.file(id).orElseThrow().state();
        if (state == FileState.REFUSED) {
            ledger.transition(id, FileState.REFUSED, FileState.DISCOVERED, "listed again");
        } else if (state != FileState.DISCOVERED) {
            return; // a file of that name, size 0 and time 0 that was read: not this one
        }
        String reason = "camera " + cameraId + " bay " + bay + ": " + path + ": " + why;
        ledger.transition(id, FileState.DISCOVERED, FileState.REFUSED, reason);
        reported(cameraId, path, reason);
    }

    private void reported(String cameraId, String path, String reason) {
        log.warn("{} ({})", reason, FileState.REFUSED);
        ledger.appendEvent(new DockEvent.FileRefused(bay, cameraId, path, reason));
    }

    /** What the bay shows after "safe": "" for none, else e.g. "1 file left on the camera". */
    static String leftBehind(int files) {
        return files == 0 ? "" : files + (files == 1 ? " file" : " files") + " left on the camera";
    }
}
