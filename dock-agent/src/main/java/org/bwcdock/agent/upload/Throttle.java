package org.bwcdock.agent.upload;

import java.util.concurrent.atomic.AtomicLong;

/** A token bucket shared by all uploads: the bandwidth limit, changeable while uploads run. */
final class Throttle {
    private final AtomicLong bytesPerSecond;
    private long available;
    private long last = System.nanoTime();

    Throttle(long bytesPerSecond) {
        this.bytesPerSecond = new AtomicLong(bytesPerSecond);
    }

    void set(long bps) {
        bytesPerSecond.set(Math.max(0, bps));
    }

    /** Blocks until {@code n} bytes may go; sleeping here is the rate limit itself. */
    void take(int n) throws InterruptedException {
        while (true) {
            long rate = bytesPerSecond.get();
            if (rate <= 0) {
                return;
            }
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                available = Math.min(rate, available + (now - last) * rate / 1_000_000_000L);
                last = now;
                if (available >= n || available >= rate) {
                    available -= n;
                    return;
                }
                wait = (n - available) * 1_000_000_000L / rate;
            }
            Thread.sleep(Math.max(1, wait / 1_000_000), 0);
        }
    }
}
