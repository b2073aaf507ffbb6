package org.bwcdock.agent.upload;

import org.bwcdock.testing.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle's rate in and out of upload windows, the dock's time set by the test. */
@Timeout(60)
class ThrottleTest {
    private static final List<UploadWindow> WINDOWS = List.of(
            new UploadWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), 0),
            new UploadWindow(LocalTime.of(7, 0), LocalTime.of(19, 0), 2_000_000));

    private final SettableClock clock = SettableClock.at(LocalTime.of(12, 0));

    @Test
    void theWindowInForceSetsTheRateAndOutsideEveryWindowTheLimitDoes() {
        Throttle t = new Throttle(0, WINDOWS, clock, ZoneOffset.UTC);
        assertEquals(2_000_000, t.rate(), "12:00 is in 07:00-19:00");
        clock.set(LocalTime.of(23, 30));
        assertEquals(0, t.rate(), "23:30 is in 22:00-06:00, closed");
        clock.set(LocalTime.of(6, 30));
        assertEquals(-1, t.rate(), "06:30 is in no window: the limit, here none");
        t.set(500_000);
        assertEquals(500_000, t.rate(), "the back office's limit outside the windows");
        clock.set(LocalTime.of(6, 30)); // 07:30 in Berlin
        assertEquals(2_000_000, new Throttle(0, WINDOWS, clock, ZoneId.of("Europe/Berlin")).rate(), "windows are in the dock's zone");
    }

    @Test
    void aClosedWindowHoldsEveryByteUntilItEnds() throws Exception {
        Throttle t = new Throttle(0, WINDOWS, clock, ZoneOffset.UTC);
        clock.set(LocalTime.of(23, 0));
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                t.take(1024);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            assertFalse(sent.isDone(), "a byte went while the window was closed");
            Thread.sleep(20); // the assertion is that nothing happens meanwhile
        }
        clock.set(LocalTime.of(6, 0)); // the closed window ends at 06:00
        sent.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCappedWindowHoldsItsRateOverSeconds() throws Exception {
        Throttle t = new Throttle(0, WINDOWS, clock, ZoneOffset.UTC);
        t.take(1); // settle the bucket
        long start = System.nanoTime();
        long bytes = 0;
        while (System.nanoTime() - start < 3_000_000_000L) {
            t.take(128 << 10);
            bytes += 128 << 10;
        }
        double rate = bytes * 1e9 / (System.nanoTime() - start);
        assertTrue(Math.abs(rate - 2_000_000) < 200_000, "2 MB/s window; measured " + (long) rate + " B/s");
    }
}
