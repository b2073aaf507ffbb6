package org.bwcdock.agent.hardware;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One named daemon thread running a task at a fixed delay; {@link #close()} stops and joins it. */
final class Ticker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final String name;
    private final ScheduledExecutorService executor;
    private final Runnable task;

    Ticker(String name, Duration interval, Runnable task) {
        this.name = name;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        // A throwing task would silently cancel the schedule: log and carry on instead.
        this.task = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{}: {}", name, e.toString());
            }
        };
        executor.scheduleWithFixedDelay(this.task, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs the task once more as soon as the thread is free, between the scheduled runs. */
    void runSoon() {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing to run any more
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("thread {} did not stop within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
