package org.bwcdock.agent.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class BackoffTest {

    private static List<Long> waits(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.next().toMillis());
        }
        return out;
    }

    @Test
    void doublesUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), () -> 0.5); // 0.5: no jitter
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 10000L, 10000L), waits(b, 6));
    }

    @Test
    void jitterStaysWithinAQuarterEitherWay() {
        Backoff low = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(4), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(4), () -> 0.999_999);
        assertEquals(3000, low.next().toMillis());
        assertEquals(5000, high.next().toMillis());
        Backoff real = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(4));
        for (int i = 0; i < 1000; i++) {
            long w = real.next().toMillis();
            assertTrue(w >= 3000 && w <= 5000, w + " ms is outside 4 s ± 25 %");
        }
    }

    @Test
    void resetStartsAgainFromTheInitialWait() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.5);
        waits(b, 4);
        b.reset();
        assertEquals(100, b.next().toMillis());
    }

    @Test
    void nothingAfterADeliberateStop() throws Exception {
        Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(10));
        b.stop();
        assertTrue(b.stopped());
        assertEquals(Duration.ZERO, b.next());
        long t0 = System.nanoTime();
        assertFalse(b.pause());
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(5), "a stopped backoff does not wait");
    }

    @Test
    void stopEndsAPauseInProgress() throws Exception {
        Backoff b = new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10));
        CompletableFuture<Boolean> paused = CompletableFuture.supplyAsync(() -> {
            try {
                return b.pause();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!paused.isDone() && System.nanoTime() < deadline) {
            b.stop(); // whether the pause has begun yet or not, it must end at once
            Thread.onSpinWait();
        }
        assertFalse(paused.get(5, TimeUnit.SECONDS), "a stopped pause reports the stop");
    }

    /** A server's Retry-After longer than the backoff's own wait: the longer one; a shorter one changes nothing. */
    @Test
    void aPauseWaitsAtLeastWhatTheServerAsked() throws Exception {
        Backoff b = new Backoff(Duration.ofMillis(20), Duration.ofMillis(20), () -> 0.0); // 15 ms of its own
        long t0 = System.nanoTime();
        assertTrue(b.pause(Duration.ofMillis(400)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400), "waited less than the server asked");
        Backoff own = new Backoff(Duration.ofMillis(200), Duration.ofMillis(200), () -> 0.0); // 150 ms
        long t1 = System.nanoTime();
        assertTrue(own.pause(Duration.ofMillis(1)));
        assertTrue(System.nanoTime() - t1 >= TimeUnit.MILLISECONDS.toNanos(150), "a short Retry-After shortened the backoff");
        b.stop();
        long t2 = System.nanoTime();
        assertFalse(b.pause(Duration.ofMinutes(5)));
        assertTrue(System.nanoTime() - t2 < TimeUnit.MILLISECONDS.toNanos(50), "a stopped backoff waited for a Retry-After");
    }

    @Test
    void aPauseWaitsItsTime() throws Exception {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofMillis(200), () -> 0.0); // 150 ms
        long t0 = System.nanoTime();
        assertTrue(b.pause());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(150));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
