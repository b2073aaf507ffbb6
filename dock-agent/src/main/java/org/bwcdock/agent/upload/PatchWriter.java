package org.bwcdock.agent.upload;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PATCH bodies on a plain HTTP/1.1 connection with large writes. The JDK HttpClient's TLS path
 * moved upload bodies at a third of curl's speed here (docs/performance.md); an SSLSocket fed
 * 1 MiB writes does not have that limit. Used for PATCH only; everything else stays on HttpClient.
 */
final class PatchWriter {
    private static final int BLOCK = 1 << 20;
    private static final int SLICE = 128 << 10;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    record Response(int status, Map<String, String> headers, String body) {
        /** The header's value, by its name in any case (the map's keys are lower case). */
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        Optional<Long> longHeader(String name) {
            try {
                return header(name).map(Long::parseLong);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private final Optional<SSLContext> tls;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Throttle throttle;

    PatchWriter(Optional<SSLContext> tls, Duration connectTimeout, Duration readTimeout, Throttle throttle) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.throttle = throttle;
    }

    Response patch(URI url, Map<String, String> headers, Path file, long offset, int length) throws IOException, InterruptedException {
        int port = url.getPort() > 0 ? url.getPort() : (url.getScheme().equals("https") ? 443 : 80);
        try (Socket socket = open(url.getHost(), port)) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder();
            head.append("PATCH ").append(url.getRawPath()).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(url.getHost()).append(':').append(port).append("\r\n");
            head.append("Content-Length: ").append(length).append("\r\n");
            head.append("Connection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
                byte[] block = new byte[Math.min(BLOCK, Math.max(1, length))];
                ByteBuffer buf = ByteBuffer.wrap(block);
                long pos = offset;
                long end = offset + length;
                while (pos < end) {
                    buf.clear().limit((int) Math.min(block.length, end - pos));
                    int n = c.read(buf, pos);
                    if (n < 0) {
                        throw new IOException(file + " is shorter than its recorded length");
                    }
                    // Through the throttle in slices: a rate cap holds within a second, not just on average.
                    for (int off = 0; off < n; off += SLICE) {
                        int len = Math.min(SLICE, n - off);
                        throttle.take(len);
                        out.write(block, off, len);
                    }
                    pos += n;
                }
            }
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private Socket open(String host, int port) throws IOException {
        SocketFactory f = tls.map(t -> (SocketFactory) t.getSocketFactory()).orElse(SocketFactory.getDefault());
        Socket s = f.createSocket();
        s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        if (s instanceof SSLSocket ssl) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the receiver's certificate must name the host
            ssl.setSSLParameters(p);
            ssl.startHandshake();
        }
        return s;
    }

    /** Status line, headers, and a small body (error text), bounded. */
    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        String h;
        while (!(h = line(in)).isEmpty()) {
            total += h.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("response headers too large");
            }
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        int length = (int) Math.min(4096, Long.parseLong(headers.getOrDefault("content-length", "0")));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Response(code, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 8192) {
                throw new IOException("response line too long");
            }
        }
        if (c == -1 && b.length() == 0) {
            throw new IOException("connection closed before a response");
        }
        return b.toString();
    }
}
