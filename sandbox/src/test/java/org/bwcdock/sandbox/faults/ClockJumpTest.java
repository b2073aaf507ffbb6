package org.bwcdock.sandbox.faults;

import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dock's clock is moved back an hour in the middle of a shift end (NTP correcting a clock that
 * ran ahead), while uploads are under way and the later cameras are still to be ingested. Nothing
 * is lost or reordered: the ledger and the outbox order by sequence, not by time. Every event
 * reaches the back office in sequence order, every file completes, and the audit chain verifies,
 * although the times recorded in it now go backwards.
 */
@Timeout(150)
class ClockJumpTest {
    private static final long[] SIZES = {50_000, 1_500_000, 6_000_000};
    private static final Site.AgentOptions FOUR_BAYS = Site.AgentOptions.DEFAULT.withSpool("2 GiB", "4 MiB");
    private static final long RATE = 5_000_000;
    private static final Duration BACK = Duration.ofHours(-1);

    @Test
    void clockMovedBackAnHourMidShiftLosesAndReordersNothing(@TempDir Path work) throws Exception {
        JumpingClock clock = new JumpingClock();
        try (Shift shift = Shift.start(work, FOUR_BAYS, clock)) {
            Map<String, String> before = shift.footage(SIZES);
            Site site = shift.site();
            List<Site.Camera> cameras = shift.cameras();
            site.receiverProxy().throttle(RATE);
            site.dock(cameras.get(0));
            site.dock(cameras.get(1));
            shift.awaitUploadUnderWay(512 * 1024);

            clock.jump(BACK);
            site.dock(cameras.get(2));
            site.dock(cameras.get(3));

            shift.awaitReleased(before.size());
            shift.assertCustody(before);

            // The jump is visible in what was recorded — and changed no order.
            assertTrue(timesGoBack(shift.distinctEvents().stream().filter(e -> e.has("at"))
                            .map(e -> Instant.parse(e.path("at").asText())).toList()),
                    "no event carries a time from before the jump after one from after it: the clock did not move");
            assertTrue(auditTimesGoBack(shift.ledgerFile()), "the audit log shows no time going backwards");
        }
    }

    /** True if some time in the list (in sequence order) is earlier than one before it. */
    private static boolean timesGoBack(List<Instant> times) {
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i).isBefore(times.get(i - 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean auditTimesGoBack(Path ledger) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
             ResultSet r = c.createStatement().executeQuery("SELECT at FROM audit ORDER BY seq")) {
            long last = Long.MIN_VALUE;
            while (r.next()) {
                if (r.getLong(1) < last) {
                    return true;
                }
                last = r.getLong(1);
            }
        }
        return false;
    }
}
