package org.bwcdock.agent;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.bwcdock.agent.system.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The composition root: the one place that reads the configuration, decides which parts are real
 * and which simulated, wires them, and owns their lifecycle. Everything it starts, {@link #close()}
 * stops, in reverse order, leaving no thread, timer or open file behind.
 */
public final class DockAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockAgent.class);

    private final AgentConfig config;
    private final Clock clock;
    /** Closed in reverse order of opening. */
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private Ledger ledger;
    private volatile boolean started;
    private volatile boolean closed;

    private DockAgent(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public static DockAgent create(AgentConfig config, Clock clock) {
        return new DockAgent(config, clock);
    }

    /** Opens the ledger and starts every part. On failure, whatever was started is stopped again. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("agent already " + (closed ? "closed" : "started"));
        }
        started = true;
        LogLevel.apply(config.logging().level());
        try {
            Files.createDirectories(config.stateDirectory());
            ledger = own(Ledgers.open(config.ledgerFile(), clock));
            ledger.audit("agent", "start", config.dockId(), "version " + Version.current());
            log.info("dock {} started: {} bay(s), hardware {}, telemetry {}, uploads {}", config.dockId(),
                    config.bays().size(), config.hardware().name().toLowerCase(java.util.Locale.ROOT),
                    config.mqtt().isPresent() ? "on" : "off", config.evidence().isPresent() ? "on" : "off");
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create state directory " + config.stateDirectory(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** True while every part the agent relies on works; the systemd watchdog is fed only then. */
    public boolean healthy() {
        return started && !closed;
    }

    public Ledger ledger() {
        if (ledger == null) {
            throw new IllegalStateException("agent not started");
        }
        return ledger;
    }

    private <T extends AutoCloseable> T own(T part) {
        owned.push(part);
        return part;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ledger != null) {
            try {
                ledger.audit("agent", "stop", config.dockId(), "clean shutdown");
            } catch (RuntimeException e) {
                log.warn("could not audit shutdown: {}", e.getMessage());
            }
        }
        while (!owned.isEmpty()) {
            AutoCloseable part = owned.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        log.info("dock {} stopped", config.dockId());
    }
}
