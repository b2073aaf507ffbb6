package org.bwcdock.sandbox;

import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.ledger.PartRecord;
import org.bwcdock.simulation.SimulatedBoard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #21, point 1: a part goes to the evidence server as soon as it is durable in the spool, while
 * later parts are still read from the camera. A camera read at 4 MB/s gives a 24 MiB file in 4 MiB
 * parts (about 6 s of reading, several times the first TLS connection's set-up on a busy machine); the test watches the ledger (the server's confirmed offsets, as the
 * uploader records them) and the receiver's side of the connection (bytes through its proxy) and
 * sees part 0 confirmed by the server while the file is still INGESTING and its last part not yet
 * durable. Without the overlap, no byte leaves before the file is INGESTED.
 */
@Timeout(150)
class IngestUploadOverlapTest {
    private static final long SIZE = 24L << 20;
    private static final int PARTS = 6;
    private static final Duration LONGEST = Duration.ofSeconds(90);

    @Test
    void partOneIsUploadedBeforeTheLastPartIsIngested(@TempDir Path work) throws Exception {
        try (Site site = Site.start(work)) {
            Path config = site.writeAgentConfig(work.resolve("dock"),
                    Site.AgentOptions.DEFAULT.withSpool("1 GiB", "4 MiB").withCameraReadRate("4 MB"));
            try (DockAgent agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC(), new SimulatedBoard())) {
                agent.start();
                Site.Camera c = Site.CAMERAS.get(0);
                site.footage(c, new long[] {SIZE});
                long before = site.receiverProxy().upstreamBytes();
                site.dock(c);
                long deadline = System.nanoTime() + LONGEST.toNanos();
                String seen = null;
                while (seen == null) {
                    assertTrue(System.nanoTime() < deadline, "no upload seen during the ingest: " + agent.ledger().filesOf(c.serial()));
                    List<EvidenceFile> files = agent.ledger().filesOf(c.serial());
                    if (files.size() == 1) {
                        EvidenceFile f = files.get(0);
                        List<PartRecord> parts = agent.ledger().parts(f.id());
                        // Read the state after the parts: if it still says INGESTING, the parts were seen mid-ingest.
                        boolean ingesting = agent.ledger().file(f.id()).orElseThrow().state() == FileState.INGESTING;
                        boolean partZeroAtServer = !parts.isEmpty() && parts.get(0).uploadUrl() != null
                                && parts.get(0).confirmedOffset() == parts.get(0).ciphertextLength();
                        long atReceiver = site.receiverProxy().upstreamBytes() - before;
                        if (ingesting && parts.size() < PARTS && partZeroAtServer && atReceiver >= parts.get(0).ciphertextLength()) {
                            seen = String.format("part 0 (%d bytes) confirmed by the server, %d bytes through the receiver's"
                                    + " proxy, with %d of %d parts durable and the file INGESTING", parts.get(0).ciphertextLength(),
                                    atReceiver, parts.size(), PARTS);
                        }
                        assertTrue(ingesting || seen != null || f.state() == FileState.DISCOVERED,
                                "the file left INGESTING (" + f.state() + ") before any part was uploaded: no overlap");
                    }
                    Thread.sleep(5); // poll
                }
                System.out.println("overlap: " + seen);
                while (!agent.ledger().filesOf(c.serial()).stream().allMatch(f -> f.state() == FileState.RELEASED)) {
                    assertTrue(System.nanoTime() < deadline, "never released: " + agent.ledger().filesOf(c.serial()));
                    Thread.sleep(20); // poll
                }
                assertEquals(1, Custody.receiverCopies(work).size(), "one file at the receiver");
                assertEquals(java.util.Set.of(1), java.util.Set.copyOf(Custody.receiverCopies(work).values()), "committed once");
            }
        }
    }
}
