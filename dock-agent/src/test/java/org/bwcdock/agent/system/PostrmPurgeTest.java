package org.bwcdock.agent.system;

import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.ledger.Ledgers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The package's postrm on purge: it never destroys evidence that is not yet receipted. */
@Timeout(60)
class PostrmPurgeTest {
    private static final Path POSTRM = Path.of("src/deb/control/postrm");

    private static Tools.Result purge(Path state, Path cache) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", POSTRM.toString(), "purge").redirectErrorStream(true);
        pb.environment().put("BWCDOCK_STATE_DIR", state.toString());
        pb.environment().put("BWCDOCK_CACHE_DIR", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Tools.Result(p.waitFor(), out);
    }

    /** A state directory as the agent leaves it: a ledger with one file, and that file's part in the spool. */
    private static Path state(Path dir, String fileState) throws Exception {
        Tools.require("sqlite3");
        Path state = Files.createDirectories(dir.resolve("var-lib-bwcdock"));
        Files.writeString(Files.createDirectories(state.resolve("spool")).resolve("f1-p0.cms"), "encrypted evidence");
        try (Ledger ledger = Ledgers.open(state.resolve("ledger.db"), Clock.systemUTC())) {
            ledger.recordCamera(new org.bwcdock.agent.ledger.CameraRecord("CAM1", "2a3b:0001", "CAM1", false));
            ledger.discover("CAM1", "DCIM/100/VID0001.MP4", 18, 0);
        }
        Tools.Result r = Tools.run("sqlite3", state.resolve("ledger.db").toString(),
                "UPDATE evidence_files SET state = '" + fileState + "'");
        assertEquals(0, r.exit(), r.output());
        return state;
    }

    @Test
    void purgeKeepsSpoolAndLedgerWhileAFileIsNotReceiptedAndSaysSo(@TempDir Path dir) throws Exception {
        for (String notReceipted : new String[] {"INGESTED", "UPLOADING", "FAILED", "QUARANTINED"}) {
            Path state = state(dir.resolve(notReceipted), notReceipted);
            Tools.Result r = purge(state, dir.resolve("cache"));
            assertEquals(0, r.exit(), r.output());
            assertTrue(Files.exists(state.resolve("ledger.db")), notReceipted + ": ledger deleted");
            assertTrue(Files.exists(state.resolve("spool/f1-p0.cms")), notReceipted + ": spool deleted");
            assertTrue(r.output().contains("purge keeps") && r.output().contains("1 evidence file(s) not yet receipted"), r.output());
        }
    }

    @Test
    void purgeRemovesEverythingOnceAllIsReceipted(@TempDir Path dir) throws Exception {
        Path state = state(dir, "RELEASED");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Tools.Result r = purge(state, cache);
        assertEquals(0, r.exit(), r.output());
        assertFalse(Files.exists(state), r.output());
        assertFalse(Files.exists(cache));
    }

    @Test
    void purgeKeepsASpoolWithoutLedger(@TempDir Path dir) throws Exception {
        Path state = Files.createDirectories(dir.resolve("state/spool"));
        Files.writeString(state.resolve("f9-p0.cms"), "x");
        Tools.Result r = purge(state.getParent(), dir.resolve("cache"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.exists(state.resolve("f9-p0.cms")));
        assertTrue(r.output().contains("no ledger"), r.output());
    }
}
