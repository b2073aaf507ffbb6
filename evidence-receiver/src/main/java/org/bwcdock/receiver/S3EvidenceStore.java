package org.bwcdock.receiver;

import org.bwcdock.format.AuditCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Evidence as objects in an S3-compatible bucket, the same names as {@link FileEvidenceStore}'s files:
 * {@code evidence/<id>/part-N.cms}, {@code manifest.json}, {@code manifest.p7s}, the tokens
 * {@code manifest.tsr} and {@code receipt.tsr} if any, and {@code receipt.p7s} last (a token that
 * arrives later is added after it), and {@code checkpoints/<dock>/<seq>.json} and {@code .p7s}. Every object is sent with its
 * {@code Content-MD5} and {@code x-amz-checksum-sha256}, so the store refuses bytes that are not the
 * ones sent, and is read back (length, checksum where the store reports one, and with Object Lock the
 * COMPLIANCE retention) before {@link #put} returns: the dock wipes the camera on the receipt.
 * A crash part-way leaves objects without a {@code receipt.p7s}; that evidence does not count, and
 * the dock's repeated commit writes it again.
 */
final class S3EvidenceStore implements EvidenceStore, StoredEvidence {
    private static final Logger log = LoggerFactory.getLogger(S3EvidenceStore.class);
    private static final Pattern SAFE_DOCK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String RECEIPT = "receipt.p7s";

    private final S3Client s3;
    private final String bucket;
    /** Where the parts come from: the bucket's own uploads ({@link S3UploadStore}); null for {@code verify}. */
    private final UploadStore uploads;
    private final Clock clock;
    /** 0: no retention (not configured, or configured and the bucket cannot lock, which was warned about). */
    private final int lockDays;

    private S3EvidenceStore(S3Client s3, String bucket, Uploads uploads, Clock clock, int lockDays) throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.uploads = uploads.over(s3, bucket);
        this.clock = clock;
        this.lockDays = lockDays;
    }

    /**
     * Connects and checks the bucket: it exists and answers, and with {@code objectLockDays} it has
     * Object Lock enabled. With Object Lock required and the bucket or the store unable to lock
     * objects, this throws: the receiver does not start.
     */
    /** The uploads kept in the same bucket, built once the client is connected. */
    @FunctionalInterface
    interface Uploads {
        UploadStore over(S3Client s3, String bucket) throws IOException;

        /** For {@code verify}, which reads evidence only. */
        Uploads NONE = (s3, bucket) -> null;
    }

    static S3EvidenceStore open(S3Storage c, Uploads uploads, Clock clock) throws IOException {
        S3Client s3 = client(c);
        try {
            try {
                s3.headBucket(b -> b.bucket(c.bucket()));
            } catch (SdkException e) {
                throw new IOException("s3-bucket: bucket " + c.bucket() + " at " + where(c) + " cannot be reached: " + e.getMessage(), e);
            }
            int days = c.objectLockDays();
            if (days > 0) {
                Optional<String> why = lockUnavailable(s3, c.bucket());
                if (why.isPresent() && c.objectLockRequired()) {
                    throw new IOException("s3-object-lock-required: bucket " + c.bucket() + " at " + where(c)
                            + " cannot lock objects (" + why.get() + "); refusing to start without the retention the config requires");
                }
                if (why.isPresent()) {
                    log.warn("bucket {} cannot lock objects ({}): evidence is stored WITHOUT the configured {} days of retention",
                            c.bucket(), org.bwcdock.format.SafeText.escape(why.get()), days);
                    days = 0;
                }
            }
            log.info("evidence in S3 bucket {} at {}{}", c.bucket(), where(c),
                    days > 0 ? ", COMPLIANCE retention " + days + " days" : ", no retention");
            return new S3EvidenceStore(s3, c.bucket(), uploads, clock, days);
        } catch (IOException | RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    private static String where(S3Storage c) {
        return c.endpoint().map(Object::toString).orElse("AWS " + c.region());
    }

    private static S3Client client(S3Storage c) {
        AwsCredentialsProvider credentials = c.credentials()
                .<AwsCredentialsProvider>map(k -> StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(c.region()))
                .forcePathStyle(c.pathStyle())
                .credentialsProvider(credentials)
                // A silent store fails the attempt after a minute; a large part may take longer than that in all.
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)))
                // We send our own SHA-256 (and MD5) per object; no extra CRC32 trailers some S3-compatible stores refuse.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        c.endpoint().ifPresent(b::endpointOverride);
        return b.build();
    }

    /** Why the bucket cannot lock objects, if it cannot. */
    private static Optional<String> lockUnavailable(S3Client s3, String bucket) {
        try {
            var config = s3.getObjectLockConfiguration(r -> r.bucket(bucket)).objectLockConfiguration();
            return config != null && config.objectLockEnabled() == ObjectLockEnabled.ENABLED ? Optional.empty()
                    : Optional.of("Object Lock is not enabled on the bucket");
        } catch (S3Exception e) {
            return Optional.of("the store answered " + e.statusCode() + " " + errorCode(e) + " to GetObjectLockConfiguration");
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    }

    /** The uploads in this bucket (the receiver serves tus from them). */
    UploadStore uploads() {
        return uploads;
    }

    @Override
    public Optional<byte[]> receipt(String evidenceId) throws IOException {
        return get(evidenceKey(evidenceId, RECEIPT));
    }

    @Override
    public void put(String evidenceId, List<UploadStore.Upload> parts, byte[] manifest, byte[] signature, byte[] receipt,
                    Map<String, byte[]> more) throws IOException {
        Map<String, String> meta = Map.of("bwcdock-evidence-id", evidenceId);
        for (int i = 0; i < parts.size(); i++) {
            UploadStore.Upload u = parts.get(i);
            ObjectDigests d = uploads.digests(u);
            // Streamed from the upload again for the PUT (and again on a retry): nothing is copied to local disk.
            RequestBody body = RequestBody.fromContentProvider(() -> {
                try {
                    return uploads.read(u);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, d.length(), "application/pkcs7-mime");
            store(evidenceKey(evidenceId, "part-" + i + ".cms"), "application/pkcs7-mime", meta, d, body);
        }
        store(evidenceKey(evidenceId, "manifest.json"), "application/json", meta, manifest);
        store(evidenceKey(evidenceId, "manifest.p7s"), "application/pkcs7-signature", meta, signature);
        for (var e : more.entrySet()) {
            store(evidenceKey(evidenceId, e.getKey()), contentType(e.getKey()), meta, e.getValue());
        }
        // Last: its presence is what says "committed" (receipt(), count(), a repeated commit).
        store(evidenceKey(evidenceId, RECEIPT), "application/pkcs7-mime", meta, receipt);
    }

    @Override
    public Optional<byte[]> object(String evidenceId, String name) throws IOException {
        return get(evidenceKey(evidenceId, name));
    }

    /** One object more, confirmed and locked like the rest; an object of that name already there is kept. */
    @Override
    public synchronized boolean attach(String evidenceId, String name, byte[] bytes) throws IOException {
        if (get(evidenceKey(evidenceId, RECEIPT)).isEmpty()) {
            throw new IOException("evidence " + evidenceId + " is not stored");
        }
        if (get(evidenceKey(evidenceId, name)).isPresent()) {
            return false;
        }
        store(evidenceKey(evidenceId, name), contentType(name), Map.of("bwcdock-evidence-id", evidenceId), bytes);
        return true;
    }

    private static String contentType(String name) {
        return name.endsWith(".tsr") ? "application/timestamp-reply" : "application/octet-stream";
    }

    private static String evidenceKey(String evidenceId, String name) {
        return "evidence/" + evidenceId + "/" + name;
    }

    private void store(String key, String contentType, Map<String, String> meta, byte[] bytes) throws IOException {
        store(key, contentType, meta, ObjectDigests.of(bytes), RequestBody.fromBytes(bytes));
    }

    /** One object, {@code d} its digests, confirmed (and locked) before this returns. */
    private void store(String key, String contentType, Map<String, String> meta, ObjectDigests d, RequestBody body) throws IOException {
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .contentLength(d.length()).contentMD5(d.md5()).checksumSHA256(d.sha256())
                .metadata(withSha(meta, d.sha256Hex()));
        Instant until = null;
        if (lockDays > 0 && key.startsWith("evidence/")) {
            until = clock.instant().plus(Duration.ofDays(lockDays)).truncatedTo(ChronoUnit.SECONDS);
            req.objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(until);
        }
        try {
            var put = s3.putObject(req.build(), body);
            confirm(key, d, put.checksumSHA256());
            String version = put.versionId(); // null where the bucket is not versioned; Object Lock implies versioning
            HeadObjectResponse head = s3.headObject(h -> h.bucket(bucket).key(key).versionId(version).checksumMode(ChecksumMode.ENABLED));
            if (head.contentLength() == null || head.contentLength() != d.length()) {
                throw new IOException("S3 bucket " + bucket + ": " + key + " holds " + head.contentLength() + " bytes, not the "
                        + d.length() + " sent");
            }
            confirm(key, d, head.checksumSHA256());
            if (until != null) {
                lock(key, version, until);
            }
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": storing " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * COMPLIANCE until {@code until} on that version, asked for again explicitly (some stores, S3Mock
     * among them, ignore the PUT's lock headers; the same date again is no shortening) and read back.
     */
    private void lock(String key, String version, Instant until) throws IOException {
        ObjectLockRetention wanted = ObjectLockRetention.builder().mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until).build();
        s3.putObjectRetention(p -> p.bucket(bucket).key(key).versionId(version).retention(wanted));
        ObjectLockRetention r = s3.getObjectRetention(g -> g.bucket(bucket).key(key).versionId(version)).retention();
        if (r == null || r.mode() != ObjectLockRetentionMode.COMPLIANCE || r.retainUntilDate() == null || r.retainUntilDate().isBefore(until)) {
            throw new IOException("S3 bucket " + bucket + ": " + key + " was not locked as asked (COMPLIANCE until "
                    + until + "); the store reports " + (r == null ? "no retention" : r.mode() + " until " + r.retainUntilDate()));
        }
    }

    private static Map<String, String> withSha(Map<String, String> meta, String sha256Hex) {
        Map<String, String> m = new java.util.HashMap<>(meta);
        m.put("bwcdock-sha256", sha256Hex);
        return m;
    }

    /** A checksum the store reported must be ours (some stores report none: the request's own checksum headers then stand). */
    private void confirm(String key, ObjectDigests d, String reported) throws IOException {
        if (reported != null && !reported.isEmpty() && !reported.equals(d.sha256())) {
            throw new IOException("S3 bucket " + bucket + ": " + key + " has SHA-256 " + reported + " (base64), not the "
                    + d.sha256() + " sent");
        }
    }

    private Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.of(s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("S3 bucket " + bucket + ": reading " + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": reading " + key + ": " + e.getMessage(), e);
        }
    }

    private List<String> keys(String prefix) throws IOException {
        try {
            List<String> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents()) {
                out.add(o.key());
            }
            return out;
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": listing " + prefix + ": " + e.getMessage(), e);
        }
    }

    /** As {@link FileEvidenceStore}: the signature, then the checkpoint, then the older ones removed. Checkpoints are not locked. */
    @Override
    public synchronized void keepCheckpoint(AuditCheckpoint checkpoint, AuditCheckpoint.Signed signed) throws IOException {
        if (!SAFE_DOCK_ID.matcher(checkpoint.dockId()).matches()) {
            throw new IOException("dock id " + checkpoint.dockId() + " cannot name an object");
        }
        String prefix = "checkpoints/" + checkpoint.dockId() + "/";
        List<String> keys = keys(prefix);
        OptionalLong kept = newestSeq(prefix, keys);
        if (kept.isPresent() && kept.getAsLong() >= checkpoint.seq()) {
            return;
        }
        Map<String, String> meta = Map.of("bwcdock-dock-id", checkpoint.dockId());
        store(prefix + checkpoint.seq() + ".p7s", "application/pkcs7-signature", meta, signed.signature());
        store(prefix + checkpoint.seq() + ".json", "application/json", meta, signed.json());
        for (String k : keys) {
            OptionalLong seq = seqOf(prefix, k);
            if (seq.isPresent() && seq.getAsLong() < checkpoint.seq()) {
                try {
                    s3.deleteObject(d -> d.bucket(bucket).key(k));
                } catch (SdkException e) {
                    throw new IOException("S3 bucket " + bucket + ": removing " + k + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public Optional<AuditCheckpoint.Signed> checkpoint(String dockId) throws IOException {
        if (!SAFE_DOCK_ID.matcher(dockId).matches()) {
            return Optional.empty();
        }
        String prefix = "checkpoints/" + dockId + "/";
        OptionalLong seq = newestSeq(prefix, keys(prefix));
        if (seq.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> json = get(prefix + seq.getAsLong() + ".json");
        Optional<byte[]> sig = get(prefix + seq.getAsLong() + ".p7s");
        return json.isPresent() && sig.isPresent() ? Optional.of(new AuditCheckpoint.Signed(json.get(), sig.get())) : Optional.empty();
    }

    /** The highest seq with both its objects. */
    private static OptionalLong newestSeq(String prefix, List<String> keys) {
        return keys.stream().filter(k -> k.endsWith(".json")).map(k -> seqOf(prefix, k)).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).filter(s -> keys.contains(prefix + s + ".p7s")).max();
    }

    private static OptionalLong seqOf(String prefix, String key) {
        String name = key.substring(prefix.length());
        int dot = name.indexOf('.');
        String digits = dot < 0 ? "" : name.substring(0, dot);
        return digits.matches("\\d{1,18}") ? OptionalLong.of(Long.parseLong(digits)) : OptionalLong.empty();
    }

    /**
     * Evidence with its receipt stored: objects of an interrupted commit do not count. Lists every
     * evidence key (a page of 1,000 per request): used by tests and the sandbox's summaries, never on
     * a request's path, so it is not made cheaper at the cost of another object per commit.
     */
    @Override
    public long count() throws IOException {
        return keys("evidence/").stream().filter(k -> k.endsWith("/" + RECEIPT)).count();
    }

    @Override
    public List<String> ids() throws IOException {
        return keys("evidence/").stream().map(k -> k.substring("evidence/".length())).filter(k -> k.indexOf('/') > 0)
                .map(k -> k.substring(0, k.indexOf('/'))).distinct().sorted().toList();
    }

    @Override
    public Optional<byte[]> read(String evidenceId, String name) throws IOException {
        return get(evidenceKey(evidenceId, name));
    }

    /** Streamed from the store, so a part is hashed as the bucket holds it now. */
    @Override
    public Optional<Hashed> hash(String evidenceId, String name) throws IOException {
        String key = evidenceKey(evidenceId, name);
        try (InputStream in = s3.getObject(g -> g.bucket(bucket).key(key))) {
            MessageDigest sha = ObjectDigests.md("SHA-256");
            long size = 0;
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                size += n;
            }
            return Optional.of(new Hashed(size, java.util.HexFormat.of().formatHex(sha.digest())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": reading " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
