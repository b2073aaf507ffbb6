package org.bwcdock.agent.hardware;

import java.util.Optional;

/** hardware = "none": no reader; a tap (say from a test tool) is ignored. */
final class NoBadgeReader implements BadgeReader {
    @Override
    public TapResult tapped(String badgeUidHex) {
        return new TapResult(TapResult.Outcome.IGNORED, Optional.empty(), Optional.empty());
    }

    @Override
    public void undocked(int bay, String cameraId) {
    }

    @Override
    public Optional<PendingPickup> pendingPickup(int bay) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
