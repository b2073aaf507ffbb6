package org.bwcdock.agent.ledger;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.io.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Signs the head of the audit chain with the dock's key every {@link #ROWS} rows or
 * {@link #INTERVAL}, whichever comes first, and once more at shutdown, and keeps the newest signed
 * checkpoint in the state directory ({@code audit-checkpoint.json} and {@code .p7s}) for whoever
 * keeps it off the dock. One named thread, stopped by {@link #close()}.
 */
public final class AuditCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditCheckpointer.class);
    static final long ROWS = 100;
    static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final Duration CHECK = Duration.ofSeconds(30);
    public static final String FILE = "audit-checkpoint.json";
    public static final String SIGNATURE = "audit-checkpoint.p7s";

    private final AuditLog audit;
    private final String dockId;
    private final Path dir;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final Clock clock;
    private final Thread thread;
    private final Object lock = new Object();
    private AuditCheckpoint last;
    private AuditCheckpoint.Signed lastSigned;
    private volatile boolean running = true;

    public AuditCheckpointer(AuditLog audit, String dockId, Path dir, PrivateKey key, List<X509Certificate> chain, Clock clock) {
        this.audit = audit;
        this.dockId = dockId;
        this.dir = dir;
        this.key = key;
        this.chain = List.copyOf(chain);
        this.clock = clock;
        this.thread = new Thread(this::run, "bwcdock-audit-checkpoint");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                AuditPosition p = audit.auditPosition();
                synchronized (lock) {
                    boolean due = last == null || p.seq() - last.seq() >= ROWS
                            || p.seq() > last.seq() && !clock.instant().isBefore(last.at().plus(INTERVAL));
                    if (due) {
                        checkpoint();
                    }
                }
                TimeUnit.MILLISECONDS.sleep(CHECK.toMillis()); // a periodic task: the wait is its period
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("audit checkpoint failed (tried again in {} s): {}", CHECK.toSeconds(), e.getMessage());
            }
        }
    }

    /**
     * For a commit: the chain's head signed now (unless the newest checkpoint already covers it), so
     * that the evidence server keeps a checkpoint at least as new as the evidence it receipts.
     * Empty only if signing failed (the commit goes on without; the periodic checkpoint tries again).
     */
    public Optional<AuditCheckpoint.Signed> forCommit() {
        synchronized (lock) {
            try {
                checkpoint();
            } catch (IOException | RuntimeException e) {
                log.warn("audit checkpoint for a commit failed: {}", e.getMessage());
            }
            return Optional.ofNullable(lastSigned);
        }
    }

    /** Signs the chain's head now, unless the newest checkpoint already covers it; returns what was written. */
    public Optional<AuditCheckpoint.Signed> checkpoint() throws IOException {
        synchronized (lock) {
            AuditPosition p = audit.auditPosition();
            if (last != null && last.seq() == p.seq()) {
                return Optional.empty();
            }
            AuditCheckpoint cp = new AuditCheckpoint(dockId, p.seq(), p.head(), Instant.now(clock));
            byte[] json = cp.encode();
            byte[] signature = cp.sign(key, chain);
            write(SIGNATURE, signature);
            write(FILE, json);
            last = cp;
            lastSigned = new AuditCheckpoint.Signed(json, signature);
            log.info("audit checkpoint: row {} signed", p.seq());
            return Optional.of(lastSigned);
        }
    }

    /** Durable before it replaces the previous one: written aside, fsync'd, renamed, the directory fsync'd. */
    private void write(String name, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        FileTrees.writeSynced(tmp, bytes, Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileTrees.fsyncDirectory(dir);
    }

    /** Stops the thread and signs the head once more: the rows of the last minutes are covered too. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
            checkpoint();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("audit checkpoint at shutdown failed: {}", e.getMessage());
        }
    }
}
