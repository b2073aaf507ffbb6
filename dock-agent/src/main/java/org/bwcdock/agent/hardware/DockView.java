package org.bwcdock.agent.hardware;

import java.util.List;
import java.util.Optional;

/**
 * What the hardware needs to know about the bays, supplied by the bay supervisor (the lead's
 * side): which camera sits in which bay and since when. The hardware never learns this from USB
 * itself, so the supervisor stays the one place that knows the order of things.
 */
public interface DockView {

    /** Cameras docked right now, any order. Called from hardware threads; must be thread-safe and quick. */
    List<DockedCamera> docked();

    /**
     * Something shown in a bay's state changed on the hardware side: a pending badge pickup was set
     * or cleared (cleared on undock, when the assignment was recorded, or when it expired), or the
     * battery reading / charge status changed. The supervisor republishes {@code bays/{n}/state}.
     * Called from hardware threads; must not block.
     */
    default void bayChanged(int bay) {
    }

    default Optional<DockedCamera> inBay(int bay) {
        return docked().stream().filter(c -> c.bay() == bay).findFirst();
    }
}
