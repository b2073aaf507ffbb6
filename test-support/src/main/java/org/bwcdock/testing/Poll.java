package org.bwcdock.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline: the one way tests wait. The pause between checks only
 * paces the polling; the condition decides when waiting ends, never a fixed sleep.
 */
public final class Poll {
    private static final long PACE_MILLIS = 10;

    private Poll() {
    }

    /** A condition that may throw while it looks (a database read, an HTTP request). */
    @FunctionalInterface
    public interface Condition {
        boolean met() throws Exception;
    }

    /** Waits until {@code done} holds; fails with {@code what} after {@code limit}. */
    public static void until(String what, Duration limit, Condition done) throws Exception {
        until(what, limit, done, () -> "");
    }

    /**
     * Waits until {@code done} holds; after {@code limit}, fails with {@code what} and the
     * {@code state} the test describes (what it saw instead).
     */
    public static void until(String what, Duration limit, Condition done, Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.met()) {
            if (System.nanoTime() - deadline > 0) {
                String seen = state.get();
                throw new AssertionError("waited " + limit.toMillis() + " ms for " + what + (seen.isEmpty() ? "" : "; " + seen));
            }
            Thread.sleep(PACE_MILLIS);
        }
    }
}
