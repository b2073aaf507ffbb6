package org.bwcdock.receiver;

import org.bwcdock.format.Receipt;
import org.bwcdock.format.pki.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Honest docks uploading and committing at once on loopback while others attack: connections
 * stalled mid-handshake, a body trickled a byte a second, a dock opening uploads without end.
 * Bounded in count (below) and time (the timeout); every honest dock must get valid receipts.
 */
@Timeout(300)
class ReceiverLoadTest {
    /**
     * How much load: {@link #FULL} by default (15–27 s for the whole test on the shared 2-core machine),
     * {@link #SCALED} with {@code -Dbwcdock.load=scaled} for a slower one.
     */
    record Size(int docks, int filesPerDock, int partBytes, int stalled, int greedyLimit) {
    }

    /** The size: 50 docks, 100 stalled handshakes, a dock opening 1,000 uploads; tiny files. */
    static final Size FULL = new Size(50, 2, 16 * 1024, 100, 1000);
    static final Size SCALED = new Size(20, 2, 128 * 1024, 50, 100);
    static final Size SIZE = "scaled".equals(System.getProperty("bwcdock.load")) ? SCALED : FULL;
    static final int DOCKS = SIZE.docks();
    static final int FILES_PER_DOCK = SIZE.filesPerDock();
    static final int PART_BYTES = SIZE.partBytes();
    static final int STALLED = SIZE.stalled();
    static final int GREEDY_LIMIT = SIZE.greedyLimit();
    static final int HEAP_MIB = 64;

    @TempDir
    Path dir;
    private TestSite site;
    private final List<Socket> sockets = new ArrayList<>();
    private ExecutorService pool;

    @BeforeEach
    void start() throws Exception {
        site = new TestSite(dir);
        // In its own JVM with a 64 MiB heap: if the load needed more, the receiver would die (and the docks fail).
        site.startForked(List.of("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError"),
                ReceiverLimits.DEFAULTS.withPerDock(GREEDY_LIMIT, 1L << 30));
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(DOCKS + 2, r -> new Thread(r, "load-test-" + n.incrementAndGet()));
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "test threads stopped");
        for (Socket s : sockets) {
            s.close();
        }
        site.close();
    }

    @Test
    void honestDocksGetEveryReceiptWhileOthersStallTrickleAndHoard() throws Exception {
        for (int i = 0; i < STALLED; i++) {
            Socket s = new Socket("127.0.0.1", site.port());
            sockets.add(s);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            s.getOutputStream().flush();
        }
        TestSite.Dock trickler = site.dock("dock-trickle");
        Future<String> trickle = pool.submit(() -> trickle(trickler));
        TestSite.Dock greedy = site.dock("dock-greedy");
        Future<int[]> hoard = pool.submit(() -> {
            int created = 0;
            int refused = 0;
            for (int i = 0; i < GREEDY_LIMIT + 20; i++) {
                int status = greedy.create(1000).statusCode();
                created += status == 201 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            return new int[] {created, refused};
        });

        List<TestSite.Dock> docks = new ArrayList<>();
        for (int d = 0; d < DOCKS; d++) {
            docks.add(site.dock("dock-%02d".formatted(d)));
        }
        long t0 = System.nanoTime();
        List<Future<List<Receipt>>> honest = new ArrayList<>();
        for (TestSite.Dock dock : docks) {
            honest.add(pool.submit(() -> {
                Random random = new Random(dock.id.hashCode());
                List<Receipt> receipts = new ArrayList<>();
                for (int f = 0; f < FILES_PER_DOCK; f++) {
                    byte[] part = new byte[PART_BYTES];
                    random.nextBytes(part);
                    receipts.add(dock.uploadAndCommit(part, "DCIM/100/VID%04d.MP4".formatted(f))); // checks the receipt
                }
                return receipts;
            }));
        }
        Set<String> evidence = new HashSet<>();
        for (Future<List<Receipt>> f : honest) {
            for (Receipt r : f.get(240, TimeUnit.SECONDS)) {
                evidence.add(r.evidenceId());
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(DOCKS * FILES_PER_DOCK, evidence.size(), "one distinct receipt per honest file");
        assertEquals(DOCKS * FILES_PER_DOCK, site.evidenceCount());
        assertTrue(site.forkedAlive(), "the receiver lived through it within -Xmx" + HEAP_MIB + "m");
        int[] hoarded = hoard.get(240, TimeUnit.SECONDS);
        assertEquals(GREEDY_LIMIT, hoarded[0], "the hoarding dock got exactly its limit");
        assertEquals(20, hoarded[1], "and a 429 for each upload beyond it");
        String cut = trickle.get(60, TimeUnit.SECONDS);
        assertTrue(cut.startsWith("HTTP/1.1 408") || cut.startsWith("closed"), "the trickled body was cut off: " + cut);
        System.out.printf("load: %d docks x %d files of %d KiB committed in %d ms beside %d stalled handshakes, receiver heap capped at %d MiB%n",
                DOCKS, FILES_PER_DOCK, PART_BYTES / 1024, ms, STALLED, HEAP_MIB);
    }

    /** A PATCH whose body comes one byte a second; what the receiver did about it. */
    private String trickle(TestSite.Dock dock) throws Exception {
        String upload = java.net.URI.create(dock.create(1000).headers().firstValue("Location").orElseThrow()).getPath();
        SSLSocket s = (SSLSocket) TlsContexts.create(dock.leaf.chainFile(), dock.leaf.keyFile(), site.pki.caFile()).getSocketFactory()
                .createSocket("127.0.0.1", site.port());
        synchronized (sockets) {
            sockets.add(s);
        }
        s.setSoTimeout(15_000);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(("PATCH " + upload + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.setSoTimeout(1000);
        InputStream in = s.getInputStream();
        for (int i = 0; i < 60; i++) {
            try {
                out.write('x');
                out.flush();
            } catch (IOException e) {
                return "closed: " + e;
            }
            try {
                byte[] b = in.readNBytes(12); // waits up to a second: the trickle's pace
                return b.length == 0 ? "closed" : new String(b, StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                // no answer yet: the next byte
            } catch (IOException e) {
                return "closed: " + e;
            }
        }
        return "still served after 60 bytes in 60 s";
    }
}
