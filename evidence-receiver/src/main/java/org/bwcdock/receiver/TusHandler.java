package org.bwcdock.receiver;

import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/** tus 1.0 core + creation, checksum (sha256), expiration, termination on {@code /uploads}. */
final class TusHandler {
    private static final Logger log = LoggerFactory.getLogger(TusHandler.class);
    static final String BASE = "/uploads";

    private final UploadStore store;
    private final long maxSize;
    private final Faults faults;

    TusHandler(UploadStore store, long maxSize, Faults faults) {
        this.store = store;
        this.maxSize = maxSize;
        this.faults = faults;
    }

    void handle(Exchange x, String client) throws IOException {
        String method = x.method();
        String path = x.path();
        x.setHeader("Tus-Resumable", "1.0.0");
        Faults.Fault fault = faults.next(method, path);
        if (fault instanceof Faults.Status s) {
            if (s.retryAfter() != null) {
                x.setHeader("Retry-After", s.retryAfter());
            }
            Http.empty(x, s.code());
            return;
        }
        if (method.equals("OPTIONS")) {
            x.setHeader("Tus-Version", "1.0.0");
            x.setHeader("Tus-Extension", "creation,checksum,expiration,termination");
            x.setHeader("Tus-Checksum-Algorithm", "sha256");
            x.setHeader("Tus-Max-Size", Long.toString(maxSize));
            Http.empty(x, 204);
            return;
        }
        if (!"1.0.0".equals(x.header("Tus-Resumable"))) {
            Http.text(x, 412, "Tus-Resumable: 1.0.0 required");
            return;
        }
        if (method.equals("POST") && path.equals(BASE)) {
            create(x, client);
            return;
        }
        String id = path.startsWith(BASE + "/") ? path.substring(BASE.length() + 1) : "";
        Optional<UploadStore.Upload> found = store.find(id, client);
        if (found.isEmpty()) {
            Http.empty(x, 404);
            return;
        }
        UploadStore.Upload u = found.get();
        if (store.expired(u)) {
            store.delete(u);
            Http.empty(x, 410);
            return;
        }
        switch (method) {
            case "HEAD" -> {
                long offset = fault instanceof Faults.LieOffset lie ? lie.offset() : store.offset(u);
                x.setHeader("Upload-Offset", Long.toString(offset));
                x.setHeader("Upload-Length", Long.toString(u.length()));
                x.setHeader("Cache-Control", "no-store");
                x.setHeader("Upload-Expires", Http.date(u.expires()));
                Http.empty(x, 200);
            }
            case "PATCH" -> patch(x, u, fault instanceof Faults.ResetAfter r ? r.bytes() : -1);
            case "DELETE" -> {
                store.delete(u);
                Http.empty(x, 204);
            }
            default -> Http.empty(x, 405);
        }
    }

    private void create(Exchange x, String client) throws IOException {
        long length;
        try {
            length = Long.parseLong(x.header("Upload-Length"));
        } catch (NumberFormatException | NullPointerException e) {
            Http.text(x, 400, "Upload-Length missing or not a number");
            return;
        }
        if (length < 0 || length > maxSize) {
            Http.text(x, 413, "Upload-Length " + length + " outside 0.." + maxSize);
            return;
        }
        UploadStore.Upload u;
        try {
            u = store.create(client, length);
        } catch (UploadStore.OverLimit e) {
            log.warn("upload refused: {}", SafeText.escape(e.getMessage()));
            x.setHeader("Retry-After", "60");
            Http.text(x, 429, e.getMessage());
            return;
        }
        x.setHeader("Location", BASE + "/" + u.id());
        x.setHeader("Upload-Expires", Http.date(u.expires()));
        Http.empty(x, 201);
    }

    /**
     * Stages the body, checks it against the checksum, and only then appends it to the upload and
     * makes it durable before the 204: a commit never sees bytes that may still be taken back. The
     * upload's own lock is held throughout (a second PATCH on it waits; a commit refuses it).
     */
    private void patch(Exchange x, UploadStore.Upload u, long resetAfter) throws IOException {
        if (!"application/offset+octet-stream".equals(x.header("Content-Type"))) {
            Http.text(x, 415, "Content-Type must be application/offset+octet-stream");
            return;
        }
        long offset;
        try {
            offset = Long.parseLong(x.header("Upload-Offset"));
        } catch (NumberFormatException | NullPointerException e) {
            Http.text(x, 400, "Upload-Offset missing or not a number");
            return;
        }
        byte[] expected = null;
        String checksum = x.header("Upload-Checksum");
        if (checksum != null) {
            String[] parts = checksum.split(" ", 2);
            if (parts.length != 2 || !parts[0].equals("sha256")) {
                Http.text(x, 400, "Upload-Checksum must be 'sha256 <base64>'");
                return;
            }
            try {
                expected = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                Http.text(x, 400, "Upload-Checksum is not base64");
                return;
            }
        }
        // Every body is hashed as it is staged, checksum or not: a body that is a whole upload then
        // needs no second pass at the commit (the store remembers its digest).
        MessageDigest digest = Digests.sha256();
        ReentrantLock lock = store.lock(u.id());
        lock.lock();
        try {
            long current = store.offset(u);
            if (offset != current) {
                Http.text(x, 409, "Upload-Offset " + offset + " but the upload is at " + current);
                return;
            }
            long written = stage(x, u, offset, digest, expected != null, resetAfter);
            if (written < 0) {
                return; // answered already
            }
            byte[] sha256 = digest.digest();
            if (expected != null && !MessageDigest.isEqual(sha256, expected)) {
                store.discardStaged(u);
                Http.text(x, 460, "checksum mismatch: the " + written + " bytes were not kept");
                return;
            }
            try {
                store.keepStaged(u, offset, written, sha256);
            } catch (UploadStore.Conflict e) {
                Http.text(x, 409, e.getMessage());
                return;
            } catch (IOException e) {
                // The store failed (a bucket out of reach): nothing of this body counts; the dock backs off and resumes.
                log.warn("upload {}: {} bytes at {} not kept: {}", u.id(), written, offset, SafeText.escape(e.getMessage()));
                store.discardStaged(u);
                Http.text(x, 503, "the upload store could not keep these " + written + " bytes; ask for the offset (HEAD) later");
                return;
            }
            x.setHeader("Upload-Offset", Long.toString(offset + written));
            Http.empty(x, 204);
        } finally {
            lock.unlock();
        }
    }

    /** The body into the staging file; the number of bytes, or -1 if the request was refused. */
    private long stage(Exchange x, UploadStore.Upload u, long offset, MessageDigest digest, boolean checked, long resetAfter)
            throws IOException {
        long written = 0;
        try (WritableByteChannel out = store.stage(u); InputStream in = x.body()) {
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (offset + written + n > u.length()) {
                    out.close();
                    store.discardStaged(u);
                    Http.text(x, 400, "body runs past Upload-Length " + u.length());
                    return -1;
                }
                out.write(ByteBuffer.wrap(buf, 0, n));
                digest.update(buf, 0, n); // after the write: the digest covers exactly the bytes staged
                written += n;
                if (resetAfter >= 0 && written >= resetAfter) {
                    log.info("fault: resetting the connection after {} bytes", written);
                    throw new IOException("injected reset");
                }
            }
        } catch (IOException e) {
            // A broken body (the staging file is closed by now): without a checksum what arrived is
            // kept, as tus allows, and the client resumes there; with one, nothing unverified is.
            if (!checked && written > 0 && store.hasStaged(u) && store.offset(u) == offset) {
                store.keepStaged(u, offset, written, digest.digest());
            } else {
                store.discardStaged(u);
            }
            throw e;
        }
        return written;
    }
}
