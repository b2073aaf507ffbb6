package org.bwcdock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that fails the way networks do, between the agent and a server (evidence
 * receiver or MQTT broker). Each fault is a switch a test or the sandbox console can flip while
 * traffic flows: refuse, blackhole, delay, throttle, reset now or after some bytes.
 */
public final class FaultProxy implements AutoCloseable {
    /** What happens to connections. */
    public enum Mode {
        /** Bytes flow. */
        PASS,
        /** New connections are reset at once and open ones are reset: the far end is down. */
        REFUSE,
        /** Connections are accepted but every byte is lost; when it ends, the connections that lost bytes are reset. */
        BLACKHOLE
    }

    private final String name;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong blackholed = new AtomicLong();
    private final Object throttleLock = new Object();
    private volatile int targetPort;
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile long bytesPerSecond;
    private volatile long resetAfterUpstreamBytes = -1;
    private long throttleFreeAtNanos;

    public FaultProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "fault-proxy-" + name);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Points new connections at another port (a server restarted elsewhere). */
    public void retarget(int port) {
        targetPort = port;
    }

    public Mode mode() {
        return mode;
    }

    /** Switches the fault mode; leaving {@link Mode#BLACKHOLE} resets the connections that lost bytes. */
    public void mode(Mode m) {
        Mode before = mode;
        mode = m;
        if (m == Mode.REFUSE) {
            resetAll();
        } else if (before == Mode.BLACKHOLE && m != Mode.BLACKHOLE) {
            for (Link l : links) {
                if (l.lostBytes) {
                    l.reset();
                }
            }
        }
    }

    /** Latency added to every chunk forwarded, in each direction; 0 for none. */
    public void delay(long millis) {
        delayMillis = Math.max(0, millis);
    }

    /** Total bandwidth through the proxy, both directions together; 0 for unlimited. */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = Math.max(0, bytesPerSecond);
    }

    /** The next connection to carry more than {@code bytes} towards the server is reset there, once. */
    public void resetAfter(long bytes) {
        resetAfterUpstreamBytes = bytes;
    }

    /** Resets (TCP RST) every open connection now. */
    public void resetAll() {
        for (Link l : links) {
            l.reset();
        }
    }

    public long upstreamBytes() {
        return upstreamBytes.get();
    }

    public long downstreamBytes() {
        return downstreamBytes.get();
    }

    public long connections() {
        return connections.get();
    }

    public int openConnections() {
        return links.size();
    }

    /** Bytes lost in {@link Mode#BLACKHOLE} so far, both directions. */
    public long blackholedBytes() {
        return blackholed.get();
    }

    /** Proxied connections this proxy has reset so far (a fault that hit live traffic). */
    public long resets() {
        return resets.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            if (mode == Mode.REFUSE) {
                rst(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                rst(client); // the server is down: the client sees a reset, as it would see a refusal
                close(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    /** One proxied connection: a pipe thread each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final Thread up;
        private final Thread down;
        private final AtomicLong sentUp = new AtomicLong();
        private volatile boolean lostBytes;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
            up = new Thread(() -> pipe(client, upstream, true), "fault-proxy-" + name + "-up");
            down = new Thread(() -> pipe(upstream, client, false), "fault-proxy-" + name + "-down");
        }

        void start() {
            up.start();
            down.start();
        }

        private void pipe(Socket from, Socket to, boolean towardsServer) {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (mode == Mode.BLACKHOLE) {
                        lostBytes = true;
                        blackholed.addAndGet(n);
                        continue;
                    }
                    if (towardsServer) {
                        long limit = resetAfterUpstreamBytes;
                        if (limit >= 0 && sentUp.get() + n > limit) {
                            resetAfterUpstreamBytes = -1;
                            int part = (int) Math.max(0, limit - sentUp.get());
                            out.write(buf, 0, part);
                            out.flush();
                            reset();
                            return;
                        }
                        sentUp.addAndGet(n);
                    }
                    pace(n);
                    out.write(buf, 0, n);
                    (towardsServer ? upstreamBytes : downstreamBytes).addAndGet(n);
                }
                // Orderly end from one side: pass it on, let the other direction finish.
                to.shutdownOutput();
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                reset();
                Thread.currentThread().interrupt();
            } finally {
                if (client.isClosed() || (client.isOutputShutdown() && upstream.isOutputShutdown())) {
                    links.remove(this);
                    close(client);
                    close(upstream);
                }
            }
        }

        void reset() {
            if (links.remove(this)) {
                resets.incrementAndGet();
            }
            rst(client);
            rst(upstream);
        }

        void join() throws InterruptedException {
            up.join(2_000);
            down.join(2_000);
        }
    }

    private void pace(int n) throws InterruptedException {
        long d = delayMillis;
        if (d > 0) {
            Thread.sleep(d); // injected latency, not synchronisation
        }
        long bps = bytesPerSecond;
        if (bps > 0) {
            long wait;
            synchronized (throttleLock) {
                long now = System.nanoTime();
                long start = Math.max(now, throttleFreeAtNanos);
                throttleFreeAtNanos = start + n * 1_000_000_000L / bps;
                wait = throttleFreeAtNanos - now;
            }
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the throttle itself
            }
        }
    }

    private static void rst(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST, not FIN
        } catch (SocketException ignored) {
            // already closed
        }
        close(s);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        acceptor.join(2_000);
        for (Link l : links) {
            l.reset();
            l.join();
        }
    }
}
