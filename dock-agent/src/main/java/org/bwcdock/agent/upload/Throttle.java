package org.bwcdock.agent.upload;

import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket shared by all uploads. Its rate is the upload window's in force at the dock's local
 * time, else the bandwidth limit (0 = unlimited), which the back office may change while uploads run.
 * A window of rate 0 is closed: nothing is sent until it ends.
 */
final class Throttle {
    /** How often a wait for a closed window looks at the clock again: the clock may be moved (tests, NTP). */
    private static final long CLOSED_RECHECK_MILLIS = 200;
    /**
     * Up to a quarter second's worth may go at once: enough to make up for a thread that was not
     * scheduled for a while, little enough that a cap holds within a second, not just on average.
     */
    private static final long BURST_DIVISOR = 4;

    private final AtomicLong bytesPerSecond;
    private final List<UploadWindow> windows;
    private final Clock clock;
    private final ZoneId zone;
    private long available;
    private long last = System.nanoTime();

    Throttle(long bytesPerSecond) {
        this(bytesPerSecond, List.of(), Clock.systemUTC(), ZoneOffset.UTC);
    }

    /** @param zone whose local time the windows are in (the dock's), whatever zone {@code clock} reports */
    Throttle(long bytesPerSecond, List<UploadWindow> windows, Clock clock, ZoneId zone) {
        this.bytesPerSecond = new AtomicLong(bytesPerSecond);
        this.windows = List.copyOf(windows);
        this.clock = clock;
        this.zone = zone;
    }

    void set(long bps) {
        bytesPerSecond.set(Math.max(0, bps));
    }

    /** The rate now: -1 unlimited, 0 closed, else bytes per second. */
    long rate() {
        LocalTime now = LocalTime.ofInstant(clock.instant(), zone);
        for (UploadWindow w : windows) {
            if (w.contains(now)) {
                return w.bytesPerSecond();
            }
        }
        long base = bytesPerSecond.get();
        return base <= 0 ? -1 : base;
    }

    /** Waits while a window is closed; returns how long it waited (ns), so deadlines can leave it out. */
    long awaitOpen() throws InterruptedException {
        long start = System.nanoTime();
        while (rate() == 0) {
            Thread.sleep(CLOSED_RECHECK_MILLIS); // waiting is the point: the window is closed
        }
        return System.nanoTime() - start;
    }

    /** Blocks until {@code n} bytes may go; sleeping here is the rate limit itself. */
    void take(int n) throws InterruptedException {
        while (true) {
            long rate = rate();
            if (rate < 0) {
                return;
            }
            if (rate == 0) {
                awaitOpen();
                continue;
            }
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                long burst = Math.max(n, rate / BURST_DIVISOR);
                available = Math.min(burst, available + (now - last) * rate / 1_000_000_000L);
                last = now;
                if (available >= n) {
                    available -= n;
                    return;
                }
                wait = (n - available) * 1_000_000_000L / rate;
            }
            Thread.sleep(Math.max(1, Math.min(wait / 1_000_000, CLOSED_RECHECK_MILLIS)));
        }
    }
}
