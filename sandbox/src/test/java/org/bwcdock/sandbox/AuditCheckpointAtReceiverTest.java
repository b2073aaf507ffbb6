package org.bwcdock.sandbox;

import org.bwcdock.agent.ledger.AuditCommand;
import org.bwcdock.format.AuditCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every commit carries the dock's newest signed audit checkpoint and the evidence server keeps the
 * newest per dock: after the demo's shift end, {@code audit verify} holds the dock's ledger against
 * the checkpoint the server kept, and a ledger whose newest rows were deleted fails that check.
 */
@Timeout(240)
class AuditCheckpointAtReceiverTest {
    @Test
    void theServerKeepsTheNewestCheckpointAndItCatchesADeletedEnd(@TempDir Path work) throws Exception {
        try (Sandbox sandbox = Sandbox.start(work, false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            assertTrue(sandbox.shiftEnd(new long[] {50_000, 120_000}).ok(), "the shift end completed");
        }
        Path kept = work.resolve("receiver/checkpoints").resolve(Site.DOCK_ID);
        List<Path> json;
        try (Stream<Path> s = Files.list(kept)) {
            json = s.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
        }
        assertEquals(1, json.size(), "only the newest checkpoint is kept: " + json);
        AuditCheckpoint cp = AuditCheckpoint.decode(Files.readAllBytes(json.get(0)));
        Path signature = json.get(0).resolveSibling(cp.seq() + ".p7s");
        assertEquals(Site.DOCK_ID, cp.dockId());
        assertTrue(cp.seq() > 8, "the checkpoint covers the rows of the shift's commits: " + cp.seq());

        Path ledger = work.resolve("dock/state/ledger.db");
        var checkpoint = Optional.of(new AuditCommand.Checkpoint(json.get(0), signature, work.resolve("pki/ca/ca.pem")));
        StringWriter ok = new StringWriter();
        assertEquals(0, AuditCommand.verify(ledger, checkpoint, new PrintWriter(ok, true)), ok.toString());

        Path cut = Files.copy(ledger, work.resolve("cut.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cut); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM audit WHERE seq >= " + cp.seq());
        }
        StringWriter caught = new StringWriter();
        assertEquals(1, AuditCommand.verify(cut, checkpoint, new PrintWriter(caught, true)), caught.toString());
        assertTrue(caught.toString().contains("rows were deleted from its end"), caught.toString());
    }
}
