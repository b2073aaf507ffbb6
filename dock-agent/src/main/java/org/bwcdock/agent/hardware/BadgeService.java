package org.bwcdock.agent.hardware;

import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.events.EventJson;
import org.bwcdock.agent.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntConsumer;

/** Badge self-assignment (see {@link BadgeReader}). Taps and undocks are serialised. */
final class BadgeService implements BadgeReader {
    private static final Logger log = LoggerFactory.getLogger(BadgeService.class);

    private final HardwareSettings settings;
    private final Ledger ledger;
    private final DockView view;
    private final Situations situations;
    private final BayFlags flags;
    private final BayIndicators indicators;
    private final Clock clock;
    private final IntConsumer bayChanged;
    private volatile AutoCloseable poller;

    BadgeService(HardwareSettings settings, Ledger ledger, DockView view, Situations situations, BayFlags flags,
                 BayIndicators indicators, Clock clock, IntConsumer bayChanged) {
        this.settings = settings;
        this.ledger = ledger;
        this.view = view;
        this.situations = situations;
        this.flags = flags;
        this.indicators = indicators;
        this.clock = clock;
        this.bayChanged = bayChanged;
    }

    void attach(AutoCloseable poller) {
        this.poller = poller;
    }

    @Override
    public synchronized TapResult tapped(String badgeUidHex) {
        String uid = badgeUidHex.toUpperCase(Locale.ROOT);
        String fingerprint = Events.badgeFingerprint(uid);
        String officer = settings.badges().get(uid);
        if (officer == null) {
            log.info("badge {} (fingerprint) is not in [badges]: refused", fingerprint);
            refuse(new DockEvent.BadgeUnknown(fingerprint, clock.instant()));
            return new TapResult(TapResult.Outcome.UNKNOWN_BADGE, Optional.empty(), Optional.empty());
        }
        Optional<BayView> best = view.docked().stream()
                .filter(c -> eligible(c, officer))
                .min(Comparator.comparing(BayView::dockedAt).thenComparingInt(BayView::bay));
        if (best.isEmpty()) {
            log.info("badge of officer {}: no eligible camera", officer);
            refuse(new DockEvent.BadgeNoCamera(officer, settings.minimumBatteryPercent(), clock.instant()));
            return new TapResult(TapResult.Outcome.NO_ELIGIBLE_CAMERA, Optional.of(officer), Optional.empty());
        }
        BayView c = best.get();
        PendingPickup pickup = new PendingPickup(c.bay(), c.cameraId(), officer, clock.instant().plus(settings.pickupTimeout()));
        Optional<PendingPickup> earlier = flags.pickupOf(officer);
        flags.pickup(pickup);
        earlier.filter(e -> e.bay() != c.bay()).ifPresent(e -> changed(e.bay()));
        changed(c.bay());
        ledger.audit("badge", "pickup", c.cameraId(), "officer " + officer + ", bay " + c.bay());
        log.info("badge of officer {}: camera {} in bay {}", officer, c.cameraId(), c.bay());
        return new TapResult(TapResult.Outcome.CAMERA_PICKED, Optional.of(officer), Optional.of(pickup));
    }

    /**
     * Every file receipted, no legal hold, a known battery at or above the minimum (or no minimum),
     * and not already promised to another officer.
     */
    private boolean eligible(BayView c, String officer) {
        BaySituation s = situations.of(c.bay());
        if (!s.evidenceSecured() || s.legalHold()) {
            return false;
        }
        if (s.pendingPickupOfficer().filter(o -> !o.equals(officer)).isPresent()) {
            return false;
        }
        int min = settings.minimumBatteryPercent();
        return min == 0 || s.battery().percent().orElse(-1) >= min;
    }

    /** Operational events, not evidence: nothing changed hands. The audit row keeps the durable record. */
    private void refuse(DockEvent.Operational event) {
        // The person at the reader sees the refusal first; the durable record follows.
        flags.refuse(clock.instant().plus(settings.refusalDuration()));
        indicators.refreshAll();
        ledger.appendEvent(event);
        ledger.audit("badge", event.type(), "dock", EventJson.encode(event));
    }

    @Override
    public synchronized void undocked(int bay, String cameraId) {
        Optional<PendingPickup> pickup = flags.takePickup(bay, cameraId);
        if (pickup.isPresent()) {
            ledger.assign(cameraId, pickup.get().officerId(), "badge");
            log.info("camera {} left bay {}: assigned to officer {} by badge", cameraId, bay, pickup.get().officerId());
        }
        changed(bay);
    }

    private void changed(int bay) {
        indicators.refresh(bay);
        bayChanged.accept(bay);
    }

    @Override
    public Optional<PendingPickup> pendingPickup(int bay) {
        return flags.pickup(bay);
    }

    @Override
    public void close() {
        AutoCloseable p = poller;
        if (p != null) {
            try {
                p.close();
            } catch (Exception e) {
                log.warn("closing the badge reader: {}", e.toString());
            }
        }
    }
}
