package org.bwcdock.receiver;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tus uploads in the bucket, so every receiver on it serves every upload (docs/operations.md,
 * "Several receivers on one bucket"). Nothing about an upload lives only in a receiver's memory
 * (it remembers the digests of complete uploads, which cannot change, and the locks of its own PATCHes):
 * <ul>
 * <li>{@code uploads/<dock>/<id>/info-<length>-<expires ms>}: the upload exists (a listing tells its
 *     length and expiry without a read);</li>
 * <li>{@code uploads/<dock>/<id>/chunk-<offset, 19 digits>}: one object per accepted PATCH body, keyed
 *     by the offset it starts at, written only if no object has that key ({@code If-None-Match: *}).</li>
 * </ul>
 * The offset is the end of the chain of chunks from 0, read from a listing. As every chunk key is an
 * offset the chain once ended at, and each key can be written once, the chain only grows, and once it
 * reaches the upload's length its bytes can never change: a commit that saw it complete hashes and
 * copies exactly what it receipts, whatever another receiver's PATCH is doing meanwhile (that PATCH
 * is refused). A PATCH body is staged in a local file, its checksum checked, then sent with its MD5
 * and SHA-256 and confirmed before the 204.
 */
final class S3UploadStore implements UploadStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SAFE_DOCK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern INFO = Pattern.compile("uploads/([^/]+)/([0-9a-f]{32})/info-(\\d{1,19})-(\\d{1,19})");
    private static final Pattern IN_UPLOAD = Pattern.compile("(uploads/[^/]+/[0-9a-f]{32}/)[^/]+");
    private static final String CHUNK = "chunk-";

    private final S3Client s3;
    private final String bucket;
    private final BucketObjects objects;
    private final StagedBodies staging;
    private final Duration expiry;
    private final Clock clock;
    private final int maxOpenUploads;
    private final long maxBytesInFlight;
    /** This receiver's PATCHes and commits on one upload; across receivers the chunk keys decide (see above). */
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Digests of complete uploads (see {@link #digests}). */
    private final CompleteDigests<ObjectDigests> complete = new CompleteDigests<>();
    /** One create at a time per dock in this receiver, so its limits hold exactly here (across receivers: docs). */
    private final ConcurrentHashMap<String, Object> creating = new ConcurrentHashMap<>();

    S3UploadStore(S3Client s3, String bucket, Path staging, Duration expiry, Clock clock, int maxOpenUploads, long maxBytesInFlight)
            throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.objects = new BucketObjects(s3, bucket);
        this.staging = new StagedBodies(Files.createDirectories(staging));
        this.expiry = expiry;
        this.clock = clock;
        this.maxOpenUploads = maxOpenUploads;
        this.maxBytesInFlight = maxBytesInFlight;
    }

    private static String prefix(String owner, String id) {
        return "uploads/" + owner + "/" + id + "/";
    }

    private static String infoKey(Upload u) {
        return prefix(u.owner(), u.id()) + "info-" + u.length() + "-" + u.expires().toEpochMilli();
    }

    static String chunkKey(Upload u, long offset) {
        return prefix(u.owner(), u.id()) + CHUNK + String.format("%019d", offset);
    }

    private static Optional<Upload> parseInfo(String key) {
        Matcher m = INFO.matcher(key);
        return m.matches() ? Optional.of(new Upload(m.group(2), m.group(1), Long.parseLong(m.group(3)),
                Instant.ofEpochMilli(Long.parseLong(m.group(4))))) : Optional.empty();
    }

    @Override
    public Upload create(String owner, long length) throws IOException, OverLimit {
        if (!SAFE_DOCK_ID.matcher(owner).matches()) {
            throw new IOException("dock id " + owner + " cannot name an object");
        }
        synchronized (creating.computeIfAbsent(owner, k -> new Object())) {
            Usage now = usageOf(owner);
            if (now.uploads() >= maxOpenUploads) {
                throw new OverLimit("dock " + owner + " has " + now.uploads() + " open uploads, the limit (max-open-uploads-per-dock); "
                        + "commit or delete some first");
            }
            if (now.bytes() + length > maxBytesInFlight) {
                throw new OverLimit("dock " + owner + " has " + now.bytes() + " bytes in open uploads; " + length
                        + " more would pass the limit of " + maxBytesInFlight + " (max-bytes-in-flight-per-dock); commit or delete some first");
            }
            Upload u = new Upload(UUID.randomUUID().toString().replace("-", ""), owner, length,
                    Instant.ofEpochMilli(clock.instant().plus(expiry).toEpochMilli()));
            byte[] info = ("{\"owner\":\"" + owner + "\",\"length\":" + length + ",\"expires\":\"" + u.expires() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            try {
                s3.putObject(p -> p.bucket(bucket).key(infoKey(u)).contentType("application/json").ifNoneMatch("*"), RequestBody.fromBytes(info));
            } catch (SdkException e) {
                throw new IOException("S3 bucket " + bucket + ": creating upload " + u.id() + ": " + e.getMessage(), e);
            }
            return u;
        }
    }

    @Override
    public Optional<Upload> find(String id, String owner) throws IOException {
        if (!ID.matcher(id).matches() || !SAFE_DOCK_ID.matcher(owner).matches()) {
            return Optional.empty();
        }
        return objects.list(prefix(owner, id)).stream().map(o -> parseInfo(o.key())).flatMap(Optional::stream).findFirst();
    }

    @Override
    public List<Upload> all() throws IOException {
        return objects.list("uploads/").stream().map(o -> parseInfo(o.key())).flatMap(Optional::stream).toList();
    }

    /** Read from the bucket each time: another receiver may have created or committed uploads of this dock. */
    @Override
    public Usage usage(String owner) {
        try {
            return usageOf(owner);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Usage usageOf(String owner) throws IOException {
        Usage u = Usage.NONE;
        for (S3Object o : objects.list("uploads/" + owner + "/")) {
            Optional<Upload> up = parseInfo(o.key());
            if (up.isPresent()) {
                u = u.plus(up.get().length());
            }
        }
        return u;
    }

    @Override
    public boolean expired(Upload u) {
        return clock.instant().isAfter(u.expires());
    }

    @Override
    public long offset(Upload u) throws IOException {
        List<long[]> chain = chain(u);
        return chain.isEmpty() ? 0 : chain.getLast()[0] + chain.getLast()[1];
    }

    /**
     * The chunks from offset 0, each starting where the one before ended ({offset, size}), from one
     * listing. Only a chunk on this chain counts: nothing else can be in the bucket (see the class
     * comment), and if something were, it would not be served as part of the upload.
     */
    List<long[]> chain(Upload u) throws IOException {
        String chunkPrefix = prefix(u.owner(), u.id()) + CHUNK;
        TreeMap<Long, Long> chunks = new TreeMap<>();
        for (S3Object o : objects.list(chunkPrefix)) {
            String digits = o.key().substring(chunkPrefix.length());
            if (digits.matches("\\d{19}")) {
                chunks.put(Long.parseLong(digits), o.size());
            }
        }
        List<long[]> chain = new ArrayList<>();
        long at = 0;
        for (Long size; (size = chunks.get(at)) != null && size > 0; at += size) {
            chain.add(new long[] {at, size});
        }
        return chain;
    }

    @Override
    public String sha256(Upload u) throws IOException {
        return digests(u).sha256Hex();
    }

    /**
     * Remembered once the upload is complete, when its bytes can no longer change: taken from the
     * chunk itself when one PATCH brought the whole upload to this receiver, else by reading it
     * once. The commit hashes the upload and then copies it with these digests.
     */
    @Override
    public ObjectDigests digests(Upload u) throws IOException {
        Optional<ObjectDigests> known = complete.get(u.id());
        if (known.isPresent()) {
            return known.get();
        }
        ObjectDigests d;
        try (InputStream in = read(u)) {
            d = ObjectDigests.of(in);
        }
        if (d.length() == u.length()) {
            complete.put(u.id(), d);
        }
        return d;
    }

    /** The upload's bytes: the chain's chunks one after the other, each fetched when the one before is read. */
    @Override
    public InputStream read(Upload u) throws IOException {
        Iterator<long[]> chunks = chain(u).iterator();
        return new SequenceInputStream(new java.util.Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return chunks.hasNext();
            }

            @Override
            public InputStream nextElement() {
                String key = chunkKey(u, chunks.next()[0]);
                try {
                    return s3.getObject(g -> g.bucket(bucket).key(key));
                } catch (SdkException e) {
                    throw new UncheckedIOException(new IOException("S3 bucket " + bucket + ": reading " + key + ": " + e.getMessage(), e));
                }
            }
        });
    }

    @Override
    public ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    /**
     * The description first, so no receiver finds the upload any more, then its chunks. A PATCH that
     * was already past its find checks for the description after its chunk is stored, and removes
     * the chunk itself if the description is gone: whichever of the two comes second removes it.
     */
    @Override
    public void delete(Upload u) throws IOException {
        try {
            s3.deleteObject(d -> d.bucket(bucket).key(infoKey(u)));
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": removing upload " + u.id() + ": " + e.getMessage(), e);
        }
        objects.delete(objects.list(prefix(u.owner(), u.id())).stream().map(S3Object::key).toList());
        staging.discard(u.id());
        locks.remove(u.id());
        complete.forget(u.id());
    }

    /**
     * Expired uploads in the whole bucket (any receiver's), except those this receiver is writing now;
     * and chunks left without their {@code info-} object by a removal that a crash cut short (a
     * chunk is only ever written after its {@code info-}, so such chunks belong to nothing).
     */
    @Override
    public int sweep() throws IOException {
        java.util.Map<String, Optional<Upload>> uploads = new java.util.TreeMap<>();
        java.util.Map<String, List<String>> keys = new java.util.TreeMap<>();
        for (S3Object o : objects.list("uploads/")) {
            Matcher m = IN_UPLOAD.matcher(o.key());
            if (m.matches()) {
                uploads.merge(m.group(1), parseInfo(o.key()), (x, y) -> x.isPresent() ? x : y);
                keys.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(o.key());
            }
        }
        int removed = 0;
        for (var e : uploads.entrySet()) {
            Optional<Upload> u = e.getValue();
            if (u.isEmpty()) {
                objects.delete(keys.get(e.getKey()));
                removed++;
            } else if (expired(u.get())) {
                ReentrantLock l = lock(u.get().id());
                if (l.tryLock()) {
                    try {
                        delete(u.get());
                        removed++;
                    } finally {
                        l.unlock();
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public WritableByteChannel stage(Upload u) throws IOException {
        return staging.open(u.id());
    }

    @Override
    public boolean hasStaged(Upload u) {
        return staging.has(u.id());
    }

    @Override
    public void discardStaged(Upload u) throws IOException {
        staging.discard(u.id());
    }

    /**
     * The staged bytes become the chunk at {@code offset}, unless some request (here or on another
     * receiver) stored one there first: then nothing is kept and the PATCH gets a 409. The chunk is
     * confirmed (length, checksum where the store reports one) before this returns, so the offset a
     * listing shows only ever covers durable bytes. The PUT carries {@code sha256} (taken as the body
     * was staged) and an MD5 read here, so the bytes are hashed with SHA-256 once.
     */
    @Override
    public void keepStaged(Upload u, long offset, long length, byte[] sha256) throws IOException {
        Path staged = staging.file(u.id());
        try {
            if (length == 0) {
                return;
            }
            try (FileChannel c = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                c.truncate(length);
            }
            ObjectDigests d = ObjectDigests.of(staged, sha256); // the SHA-256 goes with the PUT, for the bucket to check
            String key = chunkKey(u, offset);
            try {
                s3.putObject(p -> p.bucket(bucket).key(key).contentType("application/octet-stream").contentLength(d.length())
                        .contentMD5(d.md5()).checksumSHA256(d.sha256()).ifNoneMatch("*"), RequestBody.fromFile(staged));
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 409) { // PreconditionFailed; ConditionalRequestConflict (a race in flight)
                    throw new Conflict("offset " + offset + " of the upload was written by another request meanwhile; "
                            + "ask for the offset (HEAD) and go on from there");
                }
                throw e;
            }
            HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
            if (head.contentLength() == null || head.contentLength() != d.length()
                    || head.checksumSHA256() != null && !head.checksumSHA256().isEmpty() && !head.checksumSHA256().equals(d.sha256())) {
                throw new IOException("S3 bucket " + bucket + ": " + key + " is not the " + d.length() + " bytes sent");
            }
            if (!objects.exists(infoKey(u))) {
                s3.deleteObject(del -> del.bucket(bucket).key(key));
                throw new Conflict("the upload was committed or removed while this PATCH was in flight; its bytes were not kept");
            }
            if (offset == 0 && length == u.length()) {
                complete.put(u.id(), d); // the chunk is the whole upload: its digests (MD5 too, for the copy) are the upload's
            }
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": storing offset " + offset + " of upload " + u.id() + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(staged);
        }
    }
}
