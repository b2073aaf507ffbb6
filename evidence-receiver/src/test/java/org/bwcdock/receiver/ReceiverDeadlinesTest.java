package org.bwcdock.receiver;

import org.bwcdock.format.pki.TlsContexts;
import org.bwcdock.testing.Poll;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that stall or trickle take nothing from the docks that send, and are closed by their deadlines. */
@Timeout(90)
class ReceiverDeadlinesTest {
    @TempDir
    Path dir;
    private TestSite site;
    private final List<Socket> stalled = new ArrayList<>();

    @BeforeEach
    void pki() throws Exception {
        site = new TestSite(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : stalled) {
            s.close();
        }
        site.close();
    }

    /** A TCP connection that sends the first three bytes of a TLS record (a handshake, TLS 1.0 framing) and then nothing. */
    private Socket stallMidHandshake() throws IOException {
        Socket s = new Socket("127.0.0.1", site.receiver.port());
        stalled.add(s);
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
        s.getOutputStream().flush();
        return s;
    }

    /** True once the receiver closed {@code s} (EOF or reset); false if it is still open after {@code wait}. */
    private static boolean closedByPeer(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        try {
            return s.getInputStream().read() == -1 || true; // anything but a timeout: the receiver gave up on us
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void tenConnectionsStalledMidHandshakeDoNotStopAnotherDocksUploadAndCommit() throws Exception {
        // A deadline far beyond the test's bound: what keeps the dock served is that a stall takes no thread, not the deadline.
        site.start(ReceiverLimits.DEFAULTS.withHeaderDeadline(Duration.ofMinutes(5)).withIdleTimeout(Duration.ofMinutes(5)),
                Clock.systemUTC());
        for (int i = 0; i < 10; i++) {
            stallMidHandshake();
        }
        TestSite.Dock dock = site.dock("dock-07");
        long t0 = System.nanoTime();
        dock.uploadAndCommit("footage of dock 7".getBytes(StandardCharsets.US_ASCII), "DCIM/A.MP4");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 20_000, "upload and commit took " + ms + " ms behind ten stalled handshakes");
        for (Socket s : stalled) {
            assertTrue(!closedByPeer(s, Duration.ofMillis(10)), "the stalled connections were still open: they were no obstacle");
        }
        assertEquals(1, site.receiver.evidenceCount());
    }

    @Test
    void aConnectionStalledMidHandshakeIsClosedAtTheHeaderDeadline() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withHeaderDeadline(Duration.ofSeconds(1)), Clock.systemUTC());
        Socket s = stallMidHandshake();
        long t0 = System.nanoTime();
        assertTrue(closedByPeer(s, Duration.ofSeconds(15)), "closed within 15 s");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 800, "not before the deadline: " + ms + " ms");
        Poll.until("the receiver's side closed too", Duration.ofSeconds(10), () -> site.receiver.openConnections() == 0);
    }

    /** TLS done, request line and headers sent, then nothing: the idle timeout ends it. */
    @Test
    void aBodyThatStopsIsClosedAtTheIdleTimeout() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withIdleTimeout(Duration.ofSeconds(1)).withMinBodyRate(0), Clock.systemUTC());
        TestSite.Dock dock = site.dock("dock-07");
        String upload = java.net.URI.create(dock.create(1000).headers().firstValue("Location").orElseThrow()).getPath();
        SSLSocket s = tlsSocket(dock);
        sendPatchHead(s, upload, 1000);
        s.getOutputStream().write(new byte[10]);
        s.getOutputStream().flush();
        long t0 = System.nanoTime();
        assertTrue(closedByPeer(s, Duration.ofSeconds(15)), "closed within 15 s");
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 800, "not before the idle timeout");
    }

    /** One byte a second: far below min-body-rate; the receiver answers 408 or drops it, and others go on. */
    @Test
    void aBodyTrickledOneByteASecondIsCutOff() throws Exception {
        site.start(ReceiverLimits.DEFAULTS.withMinBodyRate(1024), Clock.systemUTC());
        TestSite.Dock dock = site.dock("dock-07");
        String upload = java.net.URI.create(dock.create(1000).headers().firstValue("Location").orElseThrow()).getPath();
        SSLSocket s = tlsSocket(dock);
        sendPatchHead(s, upload, 1000);
        s.setSoTimeout(100);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        long t0 = System.nanoTime();
        String answer = null;
        for (int i = 0; i < 30 && answer == null; i++) {
            try {
                out.write('x');
                out.flush();
            } catch (IOException e) {
                answer = "closed: " + e;
                break;
            }
            long until = System.nanoTime() + 1_000_000_000L; // the client's trickle: one byte a second
            while (answer == null && System.nanoTime() < until) {
                try {
                    byte[] b = in.readNBytes(12);
                    answer = b.length == 0 ? "closed" : new String(b, StandardCharsets.US_ASCII);
                } catch (SocketTimeoutException e) {
                    // nothing yet
                } catch (IOException e) {
                    answer = "closed: " + e;
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(answer != null && (answer.startsWith("closed") || answer.startsWith("HTTP/1.1 408")), "cut off: " + answer);
        assertTrue(ms < 20_000, "within 20 s, not after the whole body: " + ms + " ms");
        dock.uploadAndCommit("meanwhile".getBytes(StandardCharsets.US_ASCII), "DCIM/B.MP4");
    }

    private SSLSocket tlsSocket(TestSite.Dock dock) throws Exception {
        SSLSocket s = (SSLSocket) TlsContexts.create(dock.leaf.chainFile(), dock.leaf.keyFile(), site.pki.caFile()).getSocketFactory()
                .createSocket("127.0.0.1", site.receiver.port());
        stalled.add(s);
        s.setSoTimeout(15_000);
        s.startHandshake();
        return s;
    }

    private static void sendPatchHead(SSLSocket s, String upload, int length) throws IOException {
        s.getOutputStream().write(("PATCH " + upload + " HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }
}
