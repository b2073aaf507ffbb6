package org.bwcdock.agent.hardware;

import org.bwcdock.agent.events.BayView;

import java.util.List;
import java.util.Optional;

/**
 * What the hardware needs to know about the bays, supplied by the bay supervisor (the lead's
 * side): which camera sits in which bay, since when, and what battery it reports. The hardware
 * never learns this from USB itself, so the supervisor stays the one place that knows the order of things.
 */
public interface DockView {

    /** Every bay as it is now, in bay order. Called from hardware threads; must be thread-safe and quick. */
    List<BayView> bays();

    /** The bays with a camera in them. */
    default List<BayView> docked() {
        return bays().stream().filter(BayView::occupied).toList();
    }

    /**
     * Something shown in a bay's state changed on the hardware side: a pending badge pickup was set
     * or cleared (cleared on undock, when the assignment was recorded, or when it expired), or the
     * battery reading / charge status changed. The supervisor republishes {@code bays/{n}/state}.
     * Called from hardware threads; must not block.
     */
    default void bayChanged(int bay) {
    }

    default Optional<BayView> inBay(int bay) {
        return docked().stream().filter(c -> c.bay() == bay).findFirst();
    }
}
