package org.bwcdock.agent.hardware;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hardware's own short-lived bay flags: locate blinking, pending badge pickups, the refusal
 * pattern. Each has an end; {@link #expire()} drops what has ended and says which bays changed.
 */
final class BayFlags {
    /** Marks "every bay" in the set {@link #expire()} returns. */
    static final int ALL_BAYS = 0;

    private final Clock clock;
    private final Map<Integer, Instant> locateUntil = new HashMap<>();
    private final Map<Integer, PendingPickup> pickups = new HashMap<>();
    private Instant refusedUntil = Instant.MIN;

    BayFlags(Clock clock) {
        this.clock = clock;
    }

    synchronized void locate(int bay, Instant until) {
        locateUntil.put(bay, until);
    }

    synchronized boolean locating(int bay) {
        Instant until = locateUntil.get(bay);
        return until != null && clock.instant().isBefore(until);
    }

    synchronized void pickup(PendingPickup pickup) {
        pickups.values().removeIf(p -> p.officerId().equals(pickup.officerId()) || p.cameraId().equals(pickup.cameraId()));
        pickups.put(pickup.bay(), pickup);
    }

    synchronized Optional<PendingPickup> pickup(int bay) {
        PendingPickup p = pickups.get(bay);
        return p != null && clock.instant().isBefore(p.expires()) ? Optional.of(p) : Optional.empty();
    }

    synchronized Optional<PendingPickup> pickupOf(String officerId) {
        return pickups.values().stream()
                .filter(p -> p.officerId().equals(officerId) && clock.instant().isBefore(p.expires())).findFirst();
    }

    /** Removes and returns the bay's pickup if it is for this camera and has not lapsed. */
    synchronized Optional<PendingPickup> takePickup(int bay, String cameraId) {
        Optional<PendingPickup> p = pickup(bay).filter(x -> x.cameraId().equals(cameraId));
        p.ifPresent(x -> pickups.remove(bay));
        return p;
    }

    synchronized void refuse(Instant until) {
        refusedUntil = until;
    }

    synchronized boolean refused() {
        return clock.instant().isBefore(refusedUntil);
    }

    /** Drops ended flags; returns the bays whose light may change ({@link #ALL_BAYS} for the refusal). */
    synchronized Set<Integer> expire() {
        Instant now = clock.instant();
        Set<Integer> changed = new TreeSet<>();
        locateUntil.entrySet().removeIf(e -> !now.isBefore(e.getValue()) && changed.add(e.getKey()));
        pickups.entrySet().removeIf(e -> !now.isBefore(e.getValue().expires()) && changed.add(e.getKey()));
        if (!refusedUntil.equals(Instant.MIN) && !now.isBefore(refusedUntil)) {
            refusedUntil = Instant.MIN;
            changed.add(ALL_BAYS);
        }
        return changed;
    }
}
