package org.bwcdock.agent.telemetry;

import javax.net.SocketFactory;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * Plain-TCP sockets for Paho that work around a connect race in Paho 1.2.5 (eclipse-paho/paho.mqtt.java
 * PR #953): its connect task starts the receiver, then polls every 100 ms, swallowing interrupts,
 * until the receiver runs. When a connection is accepted and reset at once (a broker restarting, a
 * TCP proxy or load balancer in front of a broker that is down), the receiver can start, fail and
 * stop between two polls, and the connect task then polls forever. Each such attempt kept one of
 * our Paho pool threads for good; after a few, no connect ever completed again and the outbox
 * stopped draining.
 *
 * <p>The guard holds back a read failure that comes before anything was written on the connection:
 * Paho writes its CONNECT only after the receiver, sender and callback all run, so the receiver
 * stays alive until the connect task is past its polling loops, and then fails as it would have.
 * Bounded: after {@link #HOLD_MILLIS} or when the socket is closed or the reader interrupted, the
 * failure goes through anyway. Read timeouts (Paho's 1 s polling reads) are never held.
 */
final class ConnectRaceGuard extends SocketFactory {
    static final long HOLD_MILLIS = 10_000;

    @Override
    public Socket createSocket() {
        return new GuardedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }

    static final class GuardedSocket extends Socket {
        private final Object lock = new Object();
        private boolean written;
        private boolean closed;
        private InputStream in;
        private OutputStream out;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b;
                        try {
                            b = super.read();
                        } catch (IOException e) {
                            throw held(e);
                        }
                        if (b < 0) {
                            holdUntilWritten();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n;
                        try {
                            n = super.read(buf, off, len);
                        } catch (IOException e) {
                            throw held(e);
                        }
                        if (n < 0) {
                            holdUntilWritten();
                        }
                        return n;
                    }
                };
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        wrote();
                        super.out.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        wrote();
                        super.out.write(b, off, len); // straight through, not FilterOutputStream's byte by byte
                    }
                };
            }
            return out;
        }

        private void wrote() {
            synchronized (lock) {
                if (!written) {
                    written = true;
                    lock.notifyAll();
                }
            }
        }

        /** A read timeout goes through at once; any other failure waits until something was written. */
        private IOException held(IOException e) {
            if (!(e instanceof java.net.SocketTimeoutException)) {
                holdUntilWritten();
            }
            return e;
        }

        private void holdUntilWritten() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD_MILLIS);
            synchronized (lock) {
                while (!written && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt(); // Paho stops its receiver this way: let the failure through
                        return;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
            super.close();
        }
    }
}
