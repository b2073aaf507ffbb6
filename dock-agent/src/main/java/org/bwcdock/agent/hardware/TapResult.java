package org.bwcdock.agent.hardware;

import java.util.Objects;
import java.util.Optional;

/** What a badge tap led to. {@code pickup} is present only for {@link Outcome#CAMERA_PICKED}. */
public record TapResult(Outcome outcome, Optional<String> officerId, Optional<PendingPickup> pickup) {

    public enum Outcome {
        /** A camera's bay is blinking for the officer. */
        CAMERA_PICKED,
        /** The badge is known but no docked camera is eligible: refusal pattern, event {@code badge-no-camera}. */
        NO_ELIGIBLE_CAMERA,
        /** The badge is not in the configured map: refusal pattern, event {@code badge-unknown}. */
        UNKNOWN_BADGE,
        /** No badge hardware (hardware = "none"). */
        IGNORED
    }

    public TapResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(officerId, "officerId");
        Objects.requireNonNull(pickup, "pickup");
        if ((outcome == Outcome.CAMERA_PICKED) != pickup.isPresent()) {
            throw new IllegalArgumentException("a pickup goes with CAMERA_PICKED only, not " + outcome);
        }
    }
}
