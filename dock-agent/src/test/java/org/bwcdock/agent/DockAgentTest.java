package org.bwcdock.agent;

import org.bwcdock.agent.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DockAgentTest {

    static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    @Test
    void startThenCloseLeavesNoThreadBehind(@TempDir Path dir) throws Exception {
        var config = ConfigLoader.load(TestConfigs.minimal(dir));
        // Warm up once so that JVM-wide lazily started threads (e.g. the sqlite cleaner) are not blamed on the agent.
        try (DockAgent warm = DockAgent.create(config, Clock.systemUTC())) {
            warm.start();
        }
        Set<Thread> before = liveThreads();

        DockAgent agent = DockAgent.create(config, Clock.systemUTC());
        agent.start();
        assertTrue(agent.healthy());
        agent.close();
        assertFalse(agent.healthy());

        Set<Thread> leaked = awaitNoNewThreads(before, 5_000);
        assertEquals(Set.of(), leaked.stream().map(Thread::getName).collect(Collectors.toSet()), "threads left after close()");
    }

    @Test
    void agentAuditsItsStartAndStop(@TempDir Path dir) throws Exception {
        var config = ConfigLoader.load(TestConfigs.minimal(dir));
        try (DockAgent agent = DockAgent.create(config, Clock.systemUTC())) {
            agent.start();
            assertTrue(agent.ledger().verifyAudit().ok());
        }
        try (DockAgent again = DockAgent.create(config, Clock.systemUTC())) {
            again.start();
            // start, stop, start: the chain survives a restart and still verifies.
            assertTrue(again.ledger().verifyAudit().rows() >= 3);
            assertTrue(again.ledger().verifyAudit().ok());
        }
    }

    @Test
    void aCleanStopLeavesASignedCheckpointOfTheWholeChain(@TempDir Path dir) throws Exception {
        var config = ConfigLoader.load(TestConfigs.minimal(dir));
        long rows;
        try (DockAgent agent = DockAgent.create(config, Clock.systemUTC())) {
            agent.start();
            agent.ledger().audit("test", "note", "x", "a row before the stop");
        }
        try (var ledger = org.bwcdock.agent.ledger.Ledgers.open(config.ledgerFile(), Clock.systemUTC())) {
            rows = ledger.auditPosition().seq();
        }
        byte[] json = java.nio.file.Files.readAllBytes(config.stateDirectory().resolve(org.bwcdock.agent.ledger.AuditCheckpointer.FILE));
        var cp = org.bwcdock.format.AuditCheckpoint.decode(json);
        assertEquals(rows, cp.seq(), "the checkpoint written at shutdown covers every row, the stop row too");
        assertTrue(java.nio.file.Files.size(config.stateDirectory().resolve(org.bwcdock.agent.ledger.AuditCheckpointer.SIGNATURE)) > 0);
    }

    @Test
    void startTwiceIsRefused(@TempDir Path dir) throws Exception {
        var config = ConfigLoader.load(TestConfigs.minimal(dir));
        try (DockAgent agent = DockAgent.create(config, Clock.systemUTC())) {
            agent.start();
            assertThrows(IllegalStateException.class, agent::start);
        }
    }

    /** Threads may take a moment to terminate after being told to stop: poll with a deadline. */
    static Set<Thread> awaitNoNewThreads(Set<Thread> before, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        Set<Thread> extra;
        do {
            extra = liveThreads();
            extra.removeAll(before);
            if (extra.isEmpty()) {
                return extra;
            }
            Thread.onSpinWait();
            for (Thread t : extra) {
                t.join(50);
            }
        } while (System.nanoTime() < deadline);
        return extra;
    }
}
