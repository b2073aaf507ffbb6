package org.bwcdock.agent.system;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy of every client that retries (MQTT reconnect, tus uploads): the wait
 * starts at {@code initial}, doubles after each failure up to {@code cap}, and each wait is
 * spread by ±25 % jitter so that docks cut off together do not come back together. After
 * {@link #stop()} (a deliberate close) no wait is handed out any more and a running
 * {@link #pause()} returns at once. {@link #reset()} after a success starts again from {@code initial}.
 */
public final class Backoff {
    /** ±25 %: HiveMQ's client uses the same spread. */
    static final double JITTER = 0.25;

    private final long initialMillis;
    private final long capMillis;
    private final DoubleSupplier random;
    private long nextMillis;
    private boolean stopped;

    public Backoff(Duration initial, Duration cap) {
        this(initial, cap, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): tests pin it to see the bounds */
    Backoff(Duration initial, Duration cap, DoubleSupplier random) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(cap, "cap");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, not " + initial);
        }
        if (cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " is below the initial wait " + initial);
        }
        this.initialMillis = initial.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
        this.nextMillis = initialMillis;
    }

    /** The wait before the next attempt (and doubles the one after), or {@link Duration#ZERO} once stopped. */
    public synchronized Duration next() {
        if (stopped) {
            return Duration.ZERO;
        }
        long base = nextMillis;
        nextMillis = Math.min(capMillis, nextMillis * 2);
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Duration.ofMillis(Math.round(base * factor));
    }

    /**
     * Waits {@link #next()}; returns false without waiting once stopped, and returns early (false)
     * when {@link #stop()} is called meanwhile.
     */
    public synchronized boolean pause() throws InterruptedException {
        return pause(Duration.ZERO);
    }

    /**
     * As {@link #pause()}, but waits at least {@code atLeast}: what a server asked for (HTTP {@code Retry-After}),
     * when that is longer than the backoff's own wait.
     */
    public synchronized boolean pause(Duration atLeast) throws InterruptedException {
        long wait = Math.max(next().toNanos(), stopped ? 0 : atLeast.toNanos());
        long deadline = System.nanoTime() + wait;
        while (!stopped && wait > 0) {
            wait(wait / 1_000_000, (int) (wait % 1_000_000)); // Object.wait: stop() wakes it
            wait = deadline - System.nanoTime();
        }
        return !stopped;
    }

    /** An attempt succeeded: the next failure waits {@code initial} again. */
    public synchronized void reset() {
        nextMillis = initialMillis;
    }

    /** A deliberate stop: no more waits, and a running {@link #pause()} ends now. */
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    public synchronized boolean stopped() {
        return stopped;
    }
}
