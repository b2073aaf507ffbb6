package org.bwcdock.sandbox.upload;

import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.UploadWindow;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.testing.FaultProxy;
import org.bwcdock.testing.Poll;
import org.bwcdock.testing.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upload windows against the real receiver: while a window is closed not one byte leaves the dock
 * (counted by a proxy in front of the receiver), and inside each capped window the bytes on the wire
 * keep to its cap within 10 %. The dock's time is a clock the test sets, as the day would move it.
 */
@Timeout(180)
class UploadWindowsTest {
    private static final List<UploadWindow> WINDOWS = List.of(
            new UploadWindow(LocalTime.of(0, 0), LocalTime.of(7, 0), 0),
            new UploadWindow(LocalTime.of(7, 0), LocalTime.of(19, 0), 2_000_000),
            new UploadWindow(LocalTime.of(19, 0), LocalTime.of(22, 0), 4_000_000));
    private static final Duration MEASURE = Duration.ofSeconds(4);

    @Test
    void nothingLeavesWhileClosedAndEachWindowKeepsItsCap(@TempDir Path dir) throws Exception {
        SettableClock clock = SettableClock.at(LocalTime.of(6, 0));
        ExecutorService uploads = Executors.newSingleThreadExecutor(r -> new Thread(r, "bwcdock-test-upload"));
        try (UploadFixture fx = new UploadFixture(dir); FaultProxy proxy = new FaultProxy("receiver", fx.receiver.port())) {
            UploadFixture.Ingested file = fx.ingest(fx.dock, 40 << 20, 32 << 20); // one part spans the measurements: no part boundary in them
            EvidenceSink sink = fx.sink(proxy.port(), fx.dock, fx.receiptSigner.certFile(), 0, WINDOWS, clock);
            Future<byte[]> receipt = uploads.submit(() -> sink.deliver(file.delivery(null), UploadFixture.QUIET));

            // 06:00, closed: for two seconds, no connection and no byte.
            long quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < quietUntil) {
                assertEquals(0, proxy.connections(), "a connection during the closed window");
                assertEquals(0, proxy.upstreamBytes(), "bytes during the closed window");
                Thread.sleep(50); // the assertion is that nothing happens during this time
            }

            clock.set(LocalTime.of(8, 0));
            double day = rateOnTheWire(proxy);
            assertTrue(Math.abs(day - 2_000_000) <= 200_000, "07:00-19:00 is capped at 2 MB/s; measured " + (long) day + " B/s");

            clock.set(LocalTime.of(20, 0));
            double evening = rateOnTheWire(proxy);
            assertTrue(Math.abs(evening - 4_000_000) <= 400_000, "19:00-22:00 is capped at 4 MB/s; measured " + (long) evening + " B/s");

            clock.set(LocalTime.of(23, 0)); // no window: the bandwidth limit, here none
            Receipt r = Receipts.verify(receipt.get(60, TimeUnit.SECONDS), List.of(fx.receiptSigner.certificate()));
            assertEquals(file.result().plaintextSha256(), r.plaintextSha256(), "the receipt is for the uploaded file");
        } finally {
            uploads.shutdownNow();
            assertTrue(uploads.awaitTermination(30, TimeUnit.SECONDS), "the upload thread stopped");
        }
    }

    /** Bytes per second towards the receiver over {@link #MEASURE}, once the rate in force has settled (a slice in). */
    private static double rateOnTheWire(FaultProxy proxy) throws Exception {
        long start = proxy.upstreamBytes();
        Poll.until("the upload going at the new rate", Duration.ofSeconds(20), () -> proxy.upstreamBytes() > start + (256 << 10));
        long b0 = proxy.upstreamBytes();
        long t0 = System.nanoTime();
        Thread.sleep(MEASURE.toMillis()); // the measurement interval itself
        long b1 = proxy.upstreamBytes();
        long t1 = System.nanoTime();
        return (b1 - b0) * 1e9 / (t1 - t0);
    }
}
