package org.bwcdock.agent.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Freshness and replay for commands: a command runs only between its {@code issuedAt} and
 * {@code expiresAt} (with the dock's clock-skew tolerance), and only once per correlation id. An
 * id is remembered until its command could no longer run anyway, so the memory is bounded by the
 * longest lifetime a command may ask for and by {@link #CAPACITY}.
 */
final class CommandGate {
    /** The longest a command may stay valid: a command queued for the dock longer is stale. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
    static final int CAPACITY = 10_000;

    private final Clock clock;
    private final Duration skew;
    /** correlation id → when it may be forgotten. Owned by the MQTT callback thread. */
    private final Map<String, Instant> seen = new HashMap<>();

    CommandGate(Clock clock, Duration skew) {
        this.clock = clock;
        this.skew = skew;
    }

    void admit(Instant issuedAt, Instant expiresAt, String correlation) throws CommandFields.Invalid {
        Instant now = clock.instant();
        if (!expiresAt.isAfter(issuedAt)) {
            throw new CommandFields.Invalid("bad-field", "expiresAt " + expiresAt + " is not after issuedAt " + issuedAt);
        }
        if (Duration.between(issuedAt, expiresAt).compareTo(MAX_LIFETIME) > 0) {
            throw new CommandFields.Invalid("bad-field", "a command may be valid for at most " + MAX_LIFETIME.toMinutes()
                    + " minutes (issuedAt " + issuedAt + ", expiresAt " + expiresAt + ")");
        }
        if (issuedAt.isAfter(now.plus(skew))) {
            throw new CommandFields.Invalid("not-yet-valid", "issuedAt " + issuedAt + " is ahead of the dock's clock ("
                    + now + ") by more than " + skew.toSeconds() + " s");
        }
        if (now.minus(skew).isAfter(expiresAt)) {
            throw new CommandFields.Invalid("stale", "the command expired at " + expiresAt + "; the dock's clock says " + now);
        }
        seen.values().removeIf(forgetAt -> forgetAt.isBefore(now));
        if (seen.containsKey(correlation)) {
            throw new CommandFields.Invalid("replayed", "a command with this correlation data was already received");
        }
        if (seen.size() >= CAPACITY) {
            throw new CommandFields.Invalid("busy", "over " + CAPACITY + " commands in the last " + MAX_LIFETIME.toMinutes()
                    + " minutes; try again later");
        }
        seen.put(correlation, expiresAt.plus(skew));
    }
}
