package org.bwcdock.agent.upload;

import org.bwcdock.format.Receipts;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.CommitRequest;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.agent.system.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * tus 1.0 over java.net.http (a real PATCH), resuming from the server's offset after any failure,
 * then the commit. See docs/evidence-upload.md for every status and what the dock does with it.
 */
final class TusSink implements EvidenceSink {
    private static final Logger log = LoggerFactory.getLogger(TusSink.class);

    private final SinkSettings settings;
    private final HttpClient http;
    private final Throttle throttle;
    private final URI uploads;
    private final URI commit;
    private final URI timestamp;
    private volatile Boolean checksums;
    private final PatchWriter patches;

    TusSink(SinkSettings settings) {
        this.settings = settings;
        // HTTP/2 where TLS negotiates it (ALPN), else HTTP/1.1; never h2c upgrades on plain loopback http.
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .version(settings.tls().isPresent() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        settings.tls().ifPresent(b::sslContext);
        this.http = b.build();
        this.throttle = new Throttle(settings.bandwidthBytesPerSecond(), settings.windows(), settings.clock(),
                settings.zone());
        this.patches = new PatchWriter(settings.tls(), settings.connectTimeout(), settings.requestTimeout(), throttle);
        String base = settings.base().toString().endsWith("/") ? settings.base().toString() : settings.base() + "/";
        this.uploads = URI.create(base + "uploads");
        this.commit = URI.create(base + "commit");
        this.timestamp = URI.create(base + "timestamp");
    }

    @Override
    public void bandwidth(long bytesPerSecond) {
        throttle.set(bytesPerSecond);
    }

    /** A server error or network failure: back off and try again, within the delivery's deadline. */
    private static final class Retry extends Exception {
        /** At least this long before the next attempt: the server's {@code Retry-After}, or zero. */
        private final Duration after;

        Retry(String message) {
            this(message, Duration.ZERO);
        }

        Retry(String message, Duration after) {
            super(after.isZero() ? message : message + " (Retry-After: " + after.toSeconds() + " s)");
            this.after = after;
        }
    }

    /** An upload an earlier attempt left is gone from the server: maybe because the server committed it. */
    private static final class Vanished extends Exception {
        Vanished() {
            super(null, null, false, false);
        }
    }

    @Override
    public byte[] deliver(Delivery d, Listener listener) throws UploadException, BadReceiptException, InterruptedException {
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        Backoff backoff = new Backoff(Duration.ofSeconds(1), settings.maxBackoff());
        List<String> urls = new ArrayList<>();
        for (Part p : d.parts()) {
            urls.add(p.uploadUrl());
        }
        // Every part has an upload from an earlier attempt: that attempt may have reached the commit, and the
        // server may have taken it while the dock never heard (killed, connection lost). The server then has
        // deleted the uploads; sending every part again would only leave orphans there. So if a stored upload
        // has vanished, the commit is asked once first: it answers with the stored receipt, or 409.
        boolean mayBeCommitted = d.parts().stream().allMatch(p -> p.uploadUrl() != null);
        boolean askCommit = false;
        while (true) {
            try {
                // No byte goes out while an upload window is closed; the wait does not count against the deadline.
                deadline += throttle.awaitOpen();
                if (askCommit) {
                    askCommit = false;
                    byte[] receipt = committedAlready(d, urls);
                    if (receipt != null) {
                        return receipt;
                    }
                }
                for (Part p : d.parts()) {
                    sendPart(d.where(), p, urls, listener, mayBeCommitted);
                    deadline += throttle.awaitOpen();
                }
                return commitAndVerify(d, urls);
            } catch (Vanished v) {
                mayBeCommitted = false;
                askCommit = true;
            } catch (Retry | IOException e) {
                if (tlsRefused(e)) {
                    throw new UploadException(d.where() + ": TLS with the receiver failed (certificate refused or "
                            + "not trusted): " + e.getMessage(), false, e);
                }
                if (System.nanoTime() > deadline) {
                    throw new UploadException(d.where() + ": upload did not complete within " + settings.deadline()
                            + ": " + e.getMessage(), true, false, askedWait(e), e);
                }
                log.warn("{}: {}; retrying with backoff", d.where(), e.getMessage());
                backoff.pause(askedWait(e)); // interrupted when the uploader closes
            }
        }
    }

    @Override
    public void sendPart(String where, Part p, Listener listener) throws UploadException, InterruptedException {
        List<String> urls = new ArrayList<>(java.util.Collections.nCopies(p.index() + 1, (String) null));
        urls.set(p.index(), p.uploadUrl());
        try {
            throttle.awaitOpen();
            sendPart(where, p, urls, listener, false);
        } catch (Vanished v) {
            throw new IllegalStateException("a part sent ahead of its commit cannot have been committed", v);
        } catch (Retry | IOException e) {
            throw new UploadException(where + ": part " + p.index() + ": " + (e.getMessage() == null ? e : e.getMessage()),
                    !tlsRefused(e), false, askedWait(e), e);
        }
    }

    /**
     * Certificates do not fix themselves by waiting: no retries for a refused or untrusted
     * certificate. A handshake cut short by a dying server is a network failure, and is retried.
     */
    private static boolean tlsRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return true;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t instanceof javax.net.ssl.SSLException && (m.contains("certificate") || m.contains("pkix")
                    || m.contains("unknown_ca") || m.contains("access_denied"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Uploads one part to completion; {@code urls} keeps its upload URL across retries of the delivery.
     *
     * @throws Vanished if {@code mayBeCommitted} and the server no longer knows the part's upload
     */
    private void sendPart(String where, Part p, List<String> urls, Listener listener, boolean mayBeCommitted)
            throws Retry, IOException, UploadException, InterruptedException, Vanished {
        long offset = -1;
        String url = urls.get(p.index());
        for (int round = 0; round < 10_000; round++) {
            if (url == null) {
                url = create(p);
                urls.set(p.index(), url);
                listener.partCreated(p.index(), url);
                offset = 0;
            }
            if (offset < 0) {
                offset = head(url);
                if (offset < 0 && mayBeCommitted) {
                    throw new Vanished();
                }
                if (offset < 0) {
                    url = null; // gone or expired at the server: start this part again
                    urls.set(p.index(), null);
                    continue;
                }
            }
            if (offset > p.length()) {
                throw new UploadException(where + ": part " + p.index() + ": server claims offset " + offset
                        + " beyond the part's " + p.length() + " bytes", false, null);
            }
            listener.partProgress(p.index(), offset);
            if (offset == p.length()) {
                return;
            }
            int n = (int) Math.min(settings.chunkBytes(), p.length() - offset);
            PatchWriter.Response r = patch(URI.create(absolute(url)), p, offset, n);
            switch (r.status()) {
                case 204 -> {
                    long confirmed = r.longHeader("Upload-Offset").orElse(-1L);
                    if (confirmed != offset + n) {
                        throw new UploadException(where + ": part " + p.index() + ": server confirmed offset " + confirmed
                                + " after " + n + " bytes at " + offset, false, null);
                    }
                    offset = confirmed;
                }
                case 409 -> offset = -1;                // out of step: ask where the server is
                case 460 -> {
                    if (offset == 0 && n == p.length() && !HexFormat.of().formatHex(sha256(p, 0, n)).equals(p.sha256())) {
                        throw new UploadException(where + ": part " + p.index() + ": the spool file no longer has the "
                                + "SHA-256 recorded at ingest (" + p.file() + " is damaged)", false, null);
                    }
                    log.warn("{}: part {}: checksum mismatch at {}; sending the chunk again", where, p.index(), offset);
                }
                case 404, 410 -> {
                    url = null;
                    urls.set(p.index(), null);
                    offset = -1;
                }
                default -> {
                    if (r.status() >= 500 || r.status() == 429) {
                        throw new Retry("PATCH " + url + ": " + r.status(), retryAfter(r.header("Retry-After")));
                    }
                    throw new UploadException(where + ": part " + p.index() + ": PATCH answered " + r.status()
                            + ": " + r.body().strip(), false, null);
                }
            }
        }
        throw new Retry("part " + p.index() + " made no progress");
    }

    private String create(Part p) throws IOException, InterruptedException, Retry, UploadException {
        String meta = "filename " + b64(p.file().getFileName().toString()) + ",dock " + b64(settings.dockId())
                + ",sha256 " + b64(p.sha256());
        HttpResponse<String> r = send(HttpRequest.newBuilder(uploads).POST(HttpRequest.BodyPublishers.noBody())
                .header("Upload-Length", Long.toString(p.length())).header("Upload-Metadata", meta));
        if (r.statusCode() == 201) {
            return r.headers().firstValue("Location").map(this::absolute)
                    .orElseThrow(() -> new IOException("201 without Location"));
        }
        if (r.statusCode() >= 500) {
            throw new Retry("POST " + uploads + ": " + r.statusCode(), retryAfter(r));
        }
        if (r.statusCode() == 429) {
            // The receiver's per-dock limit (open uploads, bytes in flight): later, when it says, not never.
            throw new Retry("POST " + uploads + ": 429, the receiver's limit for this dock: " + r.body().strip(), retryAfter(r));
        }
        throw new UploadException("creating an upload: " + r.statusCode() + ": " + r.body().strip(), false, null);
    }

    /** The server's offset, or -1 when the upload is gone (404/410). */
    private long head(String url) throws IOException, InterruptedException, Retry {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(absolute(url))).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (r.statusCode() == 404 || r.statusCode() == 410) {
            return -1;
        }
        if (r.statusCode() != 200) {
            throw new Retry("HEAD " + url + ": " + r.statusCode(), retryAfter(r));
        }
        return r.headers().firstValueAsLong("Upload-Offset").orElseThrow(() -> new IOException("HEAD without Upload-Offset"));
    }

    private PatchWriter.Response patch(URI url, Part p, long offset, int n) throws IOException, InterruptedException {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Tus-Resumable", "1.0.0");
        headers.put("Content-Type", "application/offset+octet-stream");
        headers.put("Upload-Offset", Long.toString(offset));
        if (serverChecksums()) {
            // A whole part's checksum is the ciphertext hash recorded at ingest: no second pass over the part.
            byte[] sum = offset == 0 && n == p.length() ? HexFormat.of().parseHex(p.sha256()) : sha256(p, offset, n);
            headers.put("Upload-Checksum", "sha256 " + Base64.getEncoder().encodeToString(sum));
        }
        return patches.patch(url, headers, p.file(), offset, n);
    }

    private boolean serverChecksums() throws IOException, InterruptedException {
        if (checksums == null) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uploads).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            checksums = r.headers().firstValue("Tus-Extension").orElse("").contains("checksum")
                    && r.headers().firstValue("Tus-Checksum-Algorithm").orElse("").contains("sha256");
        }
        return checksums;
    }

    private static byte[] sha256(Part p, long offset, int n) throws IOException {
        try (FileChannel c = FileChannel.open(p.file(), StandardOpenOption.READ)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = offset;
            long end = offset + n;
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int r = c.read(buf, pos);
                if (r < 0) {
                    throw new IOException(p.file() + " is shorter than its recorded length");
                }
                buf.flip();
                d.update(buf);
                pos += r;
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The receipt if the server already holds this commit; null if it answers that the uploads are not all there (409). */
    private byte[] committedAlready(Delivery d, List<String> urls)
            throws IOException, InterruptedException, Retry, UploadException, BadReceiptException {
        try {
            byte[] receipt = commitAndVerify(d, urls);
            log.info("{}: the server had taken the commit already; nothing sent again", d.where());
            return receipt;
        } catch (UploadException e) {
            if (e.uploadsLost()) {
                return null; // the uploads expired, nothing was committed: they are sent again
            }
            throw e;
        }
    }

    private byte[] commitAndVerify(Delivery d, List<String> urls)
            throws IOException, InterruptedException, Retry, UploadException, BadReceiptException {
        byte[] body = new CommitRequest(d.manifest(), d.signature(),
                urls.stream().map(u -> URI.create(absolute(u)).getPath()).toList(), settings.auditCheckpoints().get(),
                d.manifestTimestamp()).encode();
        HttpResponse<byte[]> r = http.send(request(HttpRequest.newBuilder(commit)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() >= 500 || r.statusCode() == 429) {
            throw new Retry("commit: " + r.statusCode(), retryAfter(r));
        }
        if (r.statusCode() != 200) {
            // 409: a part is incomplete or differs at the server; start the uploads again next time.
            boolean lost = r.statusCode() == 409;
            throw new UploadException(d.where() + ": commit refused (" + r.statusCode() + "): "
                    + new String(r.body(), StandardCharsets.UTF_8).strip(), lost, lost, null);
        }
        byte[] receipt = r.body();
        Receipt content = Receipts.verify(receipt, settings.receiptSigners());
        List<String> hashes = d.parts().stream().map(Part::sha256).toList();
        Receipts.check(content, d.manifest(), d.plaintextSha256(), hashes);
        log.info("{}: receipted as evidence {}", d.where(), content.evidenceId());
        return receipt;
    }

    @Override
    public java.util.Optional<String> attachManifestTimestamp(String evidenceId, byte[] tsr) throws UploadException, InterruptedException {
        String body = "{\"evidenceId\":\"" + evidenceId + "\",\"manifestTimestamp\":\"" + Base64.getEncoder().encodeToString(tsr) + "\"}";
        HttpResponse<String> r;
        try {
            r = send(HttpRequest.newBuilder(timestamp).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        } catch (IOException e) {
            throw new UploadException("evidence " + evidenceId + ": timestamp not sent: " + e, true, e);
        }
        if (r.statusCode() == 204 || r.statusCode() == 200) {
            return java.util.Optional.empty();
        }
        String why = "receiver answered " + r.statusCode() + ": " + SafeText.escape(r.body().strip());
        if (r.statusCode() >= 500 && r.statusCode() != 501 || r.statusCode() == 429) {
            throw new UploadException("evidence " + evidenceId + ": timestamp not taken now (" + why + ")", true, null);
        }
        return java.util.Optional.of(why);
    }

    /** What the server asked the dock to wait before the next attempt (its Retry-After), or zero. */
    private static Duration askedWait(Exception e) {
        return e instanceof Retry r ? r.after : Duration.ZERO;
    }

    private static Duration retryAfter(HttpResponse<?> r) {
        return retryAfter(r.headers().firstValue("Retry-After"));
    }

    private static Duration retryAfter(Optional<String> header) {
        return RetryAfter.of(header, java.time.Instant.now());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(request(b), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(HttpRequest.Builder b) {
        return b.header("Tus-Resumable", "1.0.0").timeout(settings.requestTimeout()).build();
    }

    private String absolute(String url) {
        return uploads.resolve(url).toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.close();
    }
}
