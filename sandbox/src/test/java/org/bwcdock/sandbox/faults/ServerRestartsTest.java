package org.bwcdock.sandbox.faults;

import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A busy shift end — four cameras docked, ingests and uploads under way — while the evidence
 * receiver restarts, or the MQTT broker goes away and comes back. Everything completes, the
 * receiver holds one copy of each file, and every event reaches the back office.
 */
@Timeout(150)
class ServerRestartsTest {
    private static final long[] SIZES = {50_000, 1_500_000, 6_000_000};
    private static final Site.AgentOptions FOUR_BAYS = Site.AgentOptions.DEFAULT.withSpool("2 GiB", "4 MiB");
    /** The receiver link's speed: the shift's 30 MB take seconds, so the restarts land mid-upload. */
    private static final long RATE = 5_000_000;
    private static final long UNDER_WAY = 512 * 1024;

    @Test
    void receiverRestartsMidUpload(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, FOUR_BAYS, Clock.systemUTC())) {
            Map<String, String> before = shift.footage(SIZES);
            Site site = shift.site();
            site.receiverProxy().throttle(RATE);
            shift.dockAll();
            shift.awaitUploadUnderWay(UNDER_WAY);
            site.restartReceiver(); // on another port: the proxy follows it, the agent keeps its address
            assertTrue(shift.files().stream().anyMatch(f -> !f.state().isReceipted()), "the shift was over before the restart: "
                    + shift.describe());
            // Once more, while the uploads resumed after the first restart are in flight.
            shift.awaitUploadUnderWay(UNDER_WAY);
            site.restartReceiver();

            shift.awaitReleased(before.size());
            shift.assertCustody(before);
        }
    }

    @Test
    void brokerGoesAwayAndComesBackMidShift(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, FOUR_BAYS, Clock.systemUTC())) {
            Map<String, String> before = shift.footage(SIZES);
            Site site = shift.site();
            site.receiverProxy().throttle(RATE);
            shift.dockAll();
            shift.awaitUploadUnderWay(UNDER_WAY);
            site.broker().stop();
            // Receipts go on without the broker; their events wait in the outbox.
            long receipted = receipted(shift);
            shift.await("a receipt and queued events while the broker is down", Shift.COMPLETE,
                    () -> receipted(shift) > receipted && shift.agent().ledger().pendingEventCount() > 0);
            site.broker().resume();

            shift.awaitReleased(before.size());
            shift.assertCustody(before);
        }
    }

    private static long receipted(Shift shift) {
        return shift.files().stream().map(EvidenceFile::state).filter(org.bwcdock.agent.ledger.FileState::isReceipted).count();
    }

}
