package org.bwcdock.agent.spool;

import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One camera docked with twenty times its share of footage does not hold the other bays up: once
 * another camera waits, the big one waits at its share while the others are admitted, and goes on
 * when its receipted files leave the spool.
 */
@Timeout(30)
class SpoolShareTest {
    private static final long FILE = 64 << 10;
    private static final long QUOTA = 12 * FILE;
    private static final long SHARE = 4 * FILE;

    /** What an ingest does with the spool: admit the file's room, then write its one part there. */
    private static boolean admitAndWrite(Spool spool, String camera, long fileId) throws Exception {
        if (!spool.admit(camera, fileId, FILE, Duration.ofSeconds(20), () -> { })) {
            return false;
        }
        try (Spool.Pending p = spool.create(Spool.partName(fileId, 0))) {
            p.stream().write(new byte[(int) FILE]);
            spool.release(FILE - p.commit());
        }
        return true;
    }

    @Test
    void aCameraWithTwentyTimesItsShareWaitsWhileTwoOthersIngest(@TempDir Path dir) throws Exception {
        ExecutorService bays = Executors.newFixedThreadPool(3, r -> new Thread(r, "test-bay"));
        try (Spool spool = Spools.open(dir, QUOTA, SHARE)) {
            AtomicInteger bigAdmitted = new AtomicInteger();
            // Camera A: 80 files (20 x its share), admitted and written one after the other as a bay would.
            Future<?> big = bays.submit(() -> {
                for (long id = 1000; id < 1080; id++) {
                    if (!admitAndWrite(spool, "BWC-A", id)) {
                        throw new IllegalStateException("camera A never got room for file " + id);
                    }
                    bigAdmitted.incrementAndGet();
                }
                return null;
            });
            // A alone may fill the spool: nobody else is waiting.
            Poll.until("camera A fills the spool", Duration.ofSeconds(5), () -> bigAdmitted.get() == 12);
            assertEquals(QUOTA, spool.usedBytes());

            // B and C dock; each needs three files. A must now stay within its share.
            List<Future<Boolean>> others = new ArrayList<>();
            AtomicInteger othersAdmitted = new AtomicInteger();
            for (String camera : List.of("BWC-B", "BWC-C")) {
                long base = camera.equals("BWC-B") ? 2000 : 3000;
                others.add(bays.submit(() -> {
                    for (long id = base; id < base + 3; id++) {
                        if (!admitAndWrite(spool, camera, id)) {
                            return false;
                        }
                        othersAdmitted.incrementAndGet();
                    }
                    return true;
                }));
            }
            // A's receipted files leave the spool one by one, as uploads complete; each frees one file's room.
            long receipted = 1000;
            while (othersAdmitted.get() < 6) {
                int before = othersAdmitted.get();
                spool.deleteAll(receipted++);
                Poll.until("the room freed by file " + (receipted - 1) + " taken by B or C", Duration.ofSeconds(5),
                        () -> othersAdmitted.get() > before, () -> "A has " + bigAdmitted.get() + " admitted");
            }
            assertTrue(others.get(0).get() && others.get(1).get(), "B and C were admitted");
            assertEquals(12, bigAdmitted.get(), "A, over its share, took none of the room while B and C waited");
            assertEquals(1006, receipted, "B and C needed exactly the six files' worth of room A gave back");
            assertTrue(spool.usedBytes() <= QUOTA);
            assertFalse(big.isDone(), "A still waits with " + (80 - bigAdmitted.get()) + " files to go");

            // B and C finish; A is alone again and drains.
            for (long id : new long[] {2000, 2001, 2002, 3000, 3001, 3002}) {
                spool.deleteAll(id);
            }
            for (long id = receipted; id < 1080; id++) {
                long next = id;
                Poll.until("camera A admitted file " + next, Duration.ofSeconds(5), () -> bigAdmitted.get() > next - 1000 || big.isDone());
                spool.deleteAll(id);
            }
            big.get();
            assertEquals(80, bigAdmitted.get());
        } finally {
            bays.shutdownNow();
        }
    }
}
