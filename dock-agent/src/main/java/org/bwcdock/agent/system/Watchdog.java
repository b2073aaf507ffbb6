package org.bwcdock.agent.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Pings systemd's watchdog only while the agent's own health check passes: a wedged agent stops
 * pinging, and systemd restarts it (Restart=on-failure).
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final ScheduledExecutorService timer;
    private volatile boolean withholding;

    private Watchdog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts pinging at {@code interval} while {@code healthy} says so. */
    public static Watchdog start(SystemdNotifier notifier, Duration interval, BooleanSupplier healthy) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bwcdock-watchdog"));
        Watchdog w = new Watchdog(timer);
        timer.scheduleAtFixedRate(() -> w.tick(notifier, healthy), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void tick(SystemdNotifier notifier, BooleanSupplier healthy) {
        boolean ok;
        try {
            ok = healthy.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        if (ok) {
            if (withholding) {
                log.info("health check passes again; watchdog pings resume");
            }
            withholding = false;
            notifier.watchdog();
        } else if (!withholding) {
            withholding = true;
            log.error("health check failing: watchdog pings withheld, systemd will restart the agent");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
