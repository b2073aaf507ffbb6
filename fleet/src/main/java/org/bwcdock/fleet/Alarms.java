package org.bwcdock.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alarms of a fleet at one instant, by {@link AlarmRules}: a dock offline, a spool above its
 * threshold, a dock reporting itself unhealthy, a bay in error, a camera out of the docks too long,
 * files without a receipt too long, quarantined files. The dashboard raises the same (fleet-model.js),
 * plus refused USB devices and quarantines it sees as events while it is open: those are events,
 * not retained state, so a report read from the retained tree cannot know them.
 */
public final class Alarms {
    /** One alarm. {@code subject} is the dock id or the camera id it is about. */
    public record Alarm(String kind, String dockId, String subject, String text) {
    }

    private Alarms() {
    }

    public static List<Alarm> of(Fleet fleet, AlarmRules rules, Instant now) {
        List<Alarm> out = new ArrayList<>();
        for (Fleet.Dock d : fleet.docks()) {
            if (d.state().equals("offline")) {
                // Not "since": a will's time is when its session began (it is written at connect).
                out.add(new Alarm("dock-offline", d.id(), d.id(), "dock " + d.id() + " offline (last status "
                        + Fleet.instant(d.status(), "at").map(Instant::toString).orElse("at an unknown time") + ")"));
            }
            d.spoolPercent().filter(p -> p > rules.spoolPercent()).ifPresent(p -> out.add(new Alarm("spool-full", d.id(), d.id(),
                    "dock " + d.id() + " spool " + p + " % full (alarm above " + rules.spoolPercent() + " %)")));
            if (d.health().path("healthy").isBoolean() && !d.health().path("healthy").asBoolean()) {
                out.add(new Alarm("unhealthy", d.id(), d.id(), "dock " + d.id() + " reports itself unhealthy"));
            }
            d.bays().forEach((n, b) -> {
                if (b.path("phase").asText().equals("error")) {
                    out.add(new Alarm("bay-error", d.id(), d.id() + " bay " + n, "dock " + d.id() + " bay " + n + ": "
                            + Fleet.text(b, "lastEvent").orElse("error")));
                }
            });
        }
        for (Fleet.Camera c : fleet.cameras()) {
            out.addAll(of(c, rules, now));
        }
        return List.copyOf(out);
    }

    /** A camera's own alarms. */
    public static List<Alarm> of(Fleet.Camera c, AlarmRules rules, Instant now) {
        List<Alarm> out = new ArrayList<>();
        if (c.bay().isEmpty() && c.lastDocked().isPresent()) {
            Duration away = Duration.between(c.lastDocked().get(), now);
            if (away.compareTo(rules.undocked()) > 0) {
                out.add(new Alarm("not-docked", c.dockId(), c.id(), "camera " + c.id() + " not docked for " + away.toHours()
                        + " h (last at dock " + c.dockId() + " " + c.lastDocked().get() + ")"));
            }
        }
        c.oldestUnreceipted().ifPresent(t -> {
            Duration waiting = Duration.between(t, now);
            if (waiting.compareTo(rules.unreceipted()) > 0) {
                out.add(new Alarm("not-receipted", c.dockId(), c.id(), "camera " + c.id() + ": " + c.filesWaiting().map(String::valueOf).orElse("?")
                        + " file(s) without receipt, oldest for " + waiting.toMinutes() + " min"));
            }
        });
        if (c.quarantined() > 0) {
            out.add(new Alarm("quarantined", c.dockId(), c.id(), "camera " + c.id() + ": " + c.quarantined() + " file(s) quarantined at dock " + c.dockId()));
        }
        return out;
    }
}
