package org.bwcdock.receiver;

import org.bwcdock.format.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes expired uploads every {@code interval}, so an upload a dock abandoned stops holding disk
 * and counting against the dock's limits without anyone touching it. One thread,
 * {@code receiver-sweeper}, owned by the receiver and stopped by {@link #close}.
 */
final class Sweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    private final ScheduledExecutorService thread;

    Sweeper(UploadStore uploads, Duration interval) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "receiver-sweeper"));
        thread.scheduleWithFixedDelay(() -> {
            try {
                int removed = uploads.sweep();
                if (removed > 0) {
                    log.info("removed {} expired upload(s)", removed);
                }
            } catch (Exception e) { // the next sweep tries again; a thrown exception would end the schedule
                log.warn("sweeping expired uploads failed: {}", SafeText.escape(e.toString()));
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the sweeper did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
