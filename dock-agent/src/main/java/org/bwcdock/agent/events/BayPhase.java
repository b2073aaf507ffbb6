package org.bwcdock.agent.events;

import java.util.Locale;

/** Where a bay is with its camera: the {@code phase} of {@code bays/{n}/state}. */
public enum BayPhase {
    EMPTY, MOUNTING, LISTING, INGESTING, UPLOADING, SAFE, ERROR,
    /** The bay's port holds a device that is not a camera's mass storage: de-authorised, never mounted. */
    LOCKED;

    /** The name on the wire, e.g. "ingesting". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
