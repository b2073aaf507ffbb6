package org.bwcdock.receiver;

import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-dock limits, the expiry sweeper, and the validation of the limits themselves. */
@Timeout(60)
class ReceiverLimitsTest {
    @TempDir
    Path dir;
    private TestSite site;

    /** A clock the test moves: expiry without waiting. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T12:00:00Z"));

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @BeforeEach
    void pki() throws Exception {
        site = new TestSite(dir);
    }

    @AfterEach
    void stop() throws Exception {
        site.close();
    }

    @Test
    void aDockOverItsOpenUploadsIsRefusedWith429NamingTheLimitAndOtherDocksAreNot() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withPerDock(3, 1 << 20), Clock.systemUTC());
        TestSite.Dock greedy = site.dock("dock-01");
        String first = null;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = greedy.create(100);
            assertEquals(201, r.statusCode(), r.body());
            first = first == null ? r.headers().firstValue("Location").orElseThrow() : first;
        }
        HttpResponse<String> refused = greedy.create(100);
        assertEquals(429, refused.statusCode());
        assertEquals("dock dock-01 has 3 open uploads, the limit (max-open-uploads-per-dock); commit or delete some first",
                refused.body().strip());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());

        TestSite.Dock other = site.dock("dock-02");
        other.uploadAndCommit("dock 2 is not held up".getBytes(StandardCharsets.US_ASCII), "DCIM/A.MP4");

        HttpResponse<String> deleted = greedy.send(HttpRequest.newBuilder(greedy.uri(first)).DELETE());
        assertEquals(204, deleted.statusCode());
        assertEquals(201, greedy.create(100).statusCode(), "a deleted upload no longer counts");
    }

    @Test
    void aDockOverItsBytesInFlightIsRefusedAndACommitGivesThemBack() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withPerDock(100, 1000), Clock.systemUTC());
        TestSite.Dock dock = site.dock("dock-01");
        byte[] part = new byte[900];
        String url = dock.upload(part);
        HttpResponse<String> refused = dock.create(101);
        assertEquals(429, refused.statusCode());
        assertEquals("dock dock-01 has 900 bytes in open uploads; 101 more would pass the limit of 1000 "
                + "(max-bytes-in-flight-per-dock); commit or delete some first", refused.body().strip());
        assertEquals(201, dock.create(100).statusCode(), "up to the limit is allowed");
        HttpResponse<byte[]> committed = dock.commit(part, url, "DCIM/A.MP4");
        assertEquals(200, committed.statusCode(), new String(committed.body(), StandardCharsets.UTF_8));
        assertEquals(201, dock.create(800).statusCode(), "the committed upload no longer counts");
    }

    @Test
    void theSweeperRemovesAnExpiredUploadNobodyTouchesAndStopsWithTheReceiver() throws Exception {
        MovableClock clock = new MovableClock();
        site.start(ReceiverLimits.DEFAULTS.withPerDock(1, 1 << 20).withExpiry(Duration.ofHours(1), Duration.ofMillis(50)), clock);
        TestSite.Dock dock = site.dock("dock-01");
        String abandoned = URI.create(dock.create(100).headers().firstValue("Location").orElseThrow()).getPath();
        assertEquals(429, dock.create(100).statusCode(), "the abandoned upload holds the dock's only slot");
        clock.now.set(clock.now.get().plus(Duration.ofMinutes(59)));
        // Not expired yet: several sweeps pass and leave it (polled on the sweeper's own effect, not slept).
        Poll.until("the sweeper running", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("receiver-sweeper")));
        assertEquals(1, site.receiver.uploadCount());

        clock.now.set(clock.now.get().plus(Duration.ofMinutes(2)));
        Poll.until("the sweeper removed the expired upload", Duration.ofSeconds(10), () -> site.receiver.uploadCount() == 0);
        Poll.until("the dock has its slot back", Duration.ofSeconds(10), () -> dock.create(100).statusCode() == 201);
        HttpResponse<String> gone = dock.send(HttpRequest.newBuilder(dock.uri(abandoned)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(404, gone.statusCode());

        site.close();
        Poll.until("no receiver thread left", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("receiver-")));
    }

    @Test
    void theUploadCountsSurviveARestart() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withPerDock(2, 1 << 20), Clock.systemUTC());
        TestSite.Dock dock = site.dock("dock-01");
        assertEquals(201, dock.create(100).statusCode());
        assertEquals(201, dock.create(100).statusCode());
        site.receiver.close();
        site.start(ReceiverLimits.DEFAULTS.withPerDock(2, 1 << 20), Clock.systemUTC());
        assertEquals(429, dock.create(100).statusCode(), "the two open uploads still count after a restart");
    }

    private static String refusal(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void eachBadLimitIsRefusedAtLoadNamingItsKey() {
        ReceiverLimits d = ReceiverLimits.DEFAULTS;
        assertEquals("header-deadline: PT0S is not a positive duration", refusal(() -> d.withHeaderDeadline(Duration.ZERO)));
        assertEquals("idle-timeout: PT-1S is not a positive duration", refusal(() -> d.withIdleTimeout(Duration.ofSeconds(-1))));
        assertEquals("min-body-rate: -1 is negative (bytes a second; 0 turns the check off)", refusal(() -> d.withMinBodyRate(-1)));
        assertEquals("max-open-uploads-per-dock: 0 is not at least 1", refusal(() -> d.withPerDock(0, 1)));
        assertEquals("max-bytes-in-flight-per-dock: 0 is not at least 1", refusal(() -> d.withPerDock(1, 0)));
        assertEquals("upload-expiry: missing", refusal(() -> d.withExpiry(null, Duration.ofMinutes(1))));
        assertEquals("sweep-interval: PT0S is not a positive duration", refusal(() -> d.withExpiry(Duration.ofDays(1), Duration.ZERO)));
        assertEquals("threads: 2 is outside 8..1000", refusal(() -> new ReceiverLimits(d.headerDeadline(), d.idleTimeout(), d.minBodyRate(),
                d.maxOpenUploadsPerDock(), d.maxBytesInFlightPerDock(), d.uploadExpiry(), d.sweepInterval(), 2)));
    }

    @Test
    void theCommandLineRefusesABadLimitNamingTheOption() {
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new Main()).setErr(new java.io.PrintWriter(err, true)).execute("--store", dir.toString(),
                "--tls-cert", "c", "--tls-key", "k", "--agency-ca", "a", "--receipt-cert", "r", "--receipt-key", "k",
                "--max-open-uploads-per-dock", "0");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--max-open-uploads-per-dock: 0 is not at least 1"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }
}
