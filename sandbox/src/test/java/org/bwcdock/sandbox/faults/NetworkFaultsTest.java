package org.bwcdock.sandbox.faults;

import org.bwcdock.testing.FaultProxy;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.testing.FaultProxy;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dock's network fails while an upload is in the middle of a part: the fault proxies in front of
 * the evidence receiver and the MQTT broker drop, delay, throttle, reset or blackhole the traffic.
 * The first camera's upload is under way when the fault starts; the second camera docks during the
 * fault, so its events queue up while the broker link is in trouble. Once the fault ends every file
 * is receipted and released, the receiver holds each once, and every event reaches the back office.
 */
@Timeout(150)
class NetworkFaultsTest {
    /** Two files per camera; the big one is two parts of 4 MiB and less. */
    private static final long[] SIZES = {40_000, 5_000_000};
    private static final Site.AgentOptions TWO_BAYS = Site.AgentOptions.DEFAULT.withSpool("2 GiB", "4 MiB").withBays(2, "simulated");
    /** The receiver link's speed outside faults: an upload of a part lasts long enough to be hit in the middle. */
    private static final long RATE = 2_500_000;
    private static final long UNDER_WAY = 256 * 1024;
    private static final Duration FAULT_LIMIT = Duration.ofSeconds(45);
    private static final Set<FileState> INGESTED = EnumSet.of(FileState.INGESTED, FileState.UPLOADING, FileState.UPLOADED,
            FileState.RECEIPTED, FileState.RELEASED);

    /** One kind of fault: how it starts, what shows it hit live traffic, how it ends. */
    private interface Fault {
        void start(Site site) throws Exception;

        boolean hit(Site site);

        void end(Site site) throws Exception;
    }

    @Test
    void connectionsDroppedAndRefused(@TempDir Path work) throws Exception {
        long[] before = new long[2];
        shiftEndThrough(work, new Fault() {
            @Override
            public void start(Site site) {
                before[0] = site.receiverProxy().connections();
                before[1] = site.brokerProxy().connections();
                site.network(false); // open connections reset, new ones refused, both servers
            }

            @Override
            public boolean hit(Site site) {
                // The agent came back to both servers at least once and was turned away.
                return site.receiverProxy().connections() > before[0] && site.brokerProxy().connections() > before[1];
            }

            @Override
            public void end(Site site) {
                site.network(true);
            }
        });
    }

    @Test
    void latencyOnEveryChunk(@TempDir Path work) throws Exception {
        long[] from = new long[1];
        shiftEndThrough(work, new Fault() {
            @Override
            public void start(Site site) {
                from[0] = site.receiverProxy().upstreamBytes();
                site.receiverProxy().delay(40);
                site.brokerProxy().delay(40);
            }

            @Override
            public boolean hit(Site site) {
                return site.receiverProxy().upstreamBytes() - from[0] >= UNDER_WAY; // the upload went on, slowly
            }

            @Override
            public void end(Site site) {
                site.receiverProxy().delay(0);
                site.brokerProxy().delay(0);
            }
        });
    }

    @Test
    void bandwidthSqueezedToATrickle(@TempDir Path work) throws Exception {
        long[] from = new long[1];
        shiftEndThrough(work, new Fault() {
            @Override
            public void start(Site site) {
                from[0] = site.receiverProxy().upstreamBytes();
                site.receiverProxy().throttle(60_000);
                site.brokerProxy().throttle(2_000);
            }

            @Override
            public boolean hit(Site site) {
                return site.receiverProxy().upstreamBytes() - from[0] >= 120_000; // two seconds of trickle
            }

            @Override
            public void end(Site site) {
                site.brokerProxy().throttle(0);
            }
        });
    }

    @Test
    void connectionsResetMidStream(@TempDir Path work) throws Exception {
        long[] before = new long[2];
        shiftEndThrough(work, new Fault() {
            @Override
            public void start(Site site) {
                before[0] = site.receiverProxy().resets();
                before[1] = site.brokerProxy().resets();
                // The PATCH in flight has sent more than this already: it is cut on its next chunk.
                site.receiverProxy().resetAfter(UNDER_WAY / 2);
                site.brokerProxy().resetAll();
            }

            @Override
            public boolean hit(Site site) {
                if (site.brokerProxy().resets() == before[1]) {
                    site.brokerProxy().resetAll(); // the MQTT link was between connections: cut the next one
                }
                return site.receiverProxy().resets() > before[0] && site.brokerProxy().resets() > before[1];
            }

            @Override
            public void end(Site site) {
                // Nothing to undo: a reset is over when it has happened.
            }
        });
    }

    @Test
    void trafficBlackholed(@TempDir Path work) throws Exception {
        long[] before = new long[2];
        shiftEndThrough(work, new Fault() {
            @Override
            public void start(Site site) {
                before[0] = site.receiverProxy().blackholedBytes();
                before[1] = site.brokerProxy().blackholedBytes();
                site.receiverProxy().mode(FaultProxy.Mode.BLACKHOLE);
                site.brokerProxy().mode(FaultProxy.Mode.BLACKHOLE);
            }

            @Override
            public boolean hit(Site site) {
                // Upload bytes and the second camera's events vanished on the way.
                return site.receiverProxy().blackholedBytes() - before[0] >= UNDER_WAY
                        && site.brokerProxy().blackholedBytes() > before[1];
            }

            @Override
            public void end(Site site) {
                site.receiverProxy().mode(FaultProxy.Mode.PASS);
                site.brokerProxy().mode(FaultProxy.Mode.PASS);
            }
        });
    }

    private void shiftEndThrough(Path work, Fault fault) throws Exception {
        try (Shift shift = Shift.start(work, TWO_BAYS, Clock.systemUTC())) {
            Map<String, String> before = shift.footage(SIZES);
            Site site = shift.site();
            Site.Camera first = shift.cameras().get(0);
            Site.Camera second = shift.cameras().get(1);
            site.receiverProxy().throttle(RATE);
            site.dock(first);
            shift.awaitUploadUnderWay(UNDER_WAY);

            fault.start(site);
            site.dock(second);
            shift.await("the fault to hit traffic while the second camera is ingested", FAULT_LIMIT,
                    () -> fault.hit(site) && ingested(shift, second));
            assertTrue(shift.agent().ledger().filesOf(first.serial()).stream().anyMatch(f -> !f.state().isReceipted()),
                    "the first camera's upload finished before the fault hit it: " + shift.describe());
            fault.end(site);
            site.receiverProxy().throttle(0); // the fault is over: the rest of the shift at full speed

            shift.awaitReleased(before.size());
            shift.assertCustody(before);
        }
    }

    private static boolean ingested(Shift shift, Site.Camera c) {
        var files = shift.agent().ledger().filesOf(c.serial());
        return files.size() == SIZES.length && files.stream().allMatch(f -> INGESTED.contains(f.state()));
    }
}
