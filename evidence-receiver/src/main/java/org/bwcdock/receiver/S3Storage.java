package org.bwcdock.receiver;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where committed evidence goes when it goes to S3-compatible object storage, validated once, when
 * built: a bad value fails the start with a message naming the key (the {@code bwcdock-receiver}
 * option of the same name, {@code --s3-...}). The uploads in progress are kept there too.
 *
 * @param endpoint           the S3 API's base URL; empty for AWS itself (the region's endpoint)
 * @param bucket             an existing bucket
 * @param region             the region requests are signed for (any name a non-AWS store accepts)
 * @param pathStyle          {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param credentials        an access key from the receiver's config; empty: the SDK's default
 *                           provider chain (environment, profile, container or instance role)
 * @param objectLockDays     0: no retention; otherwise every evidence object is given COMPLIANCE
 *                           retention for this many days, read back before the receipt is sent
 * @param objectLockRequired the receiver refuses to start when the bucket cannot lock objects;
 *                           without it such a bucket only gets a warning and no retention
 */
public record S3Storage(Optional<URI> endpoint, String bucket, String region, boolean pathStyle,
                        Optional<Credentials> credentials, int objectLockDays, boolean objectLockRequired) {
    // S3's bucket naming rules, the part that matters for addressing: 3-63 of [a-z0-9.-], starting and ending alphanumerically.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /** An access key; the secret never appears in {@link #toString}. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        public Credentials {
            if (accessKeyId == null || accessKeyId.isBlank() || !accessKeyId.strip().equals(accessKeyId)) {
                throw new IllegalArgumentException("s3-access-key-id: missing or surrounded by spaces");
            }
            if (secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("s3-secret-key-file: the file holds no secret key");
            }
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)]";
        }
    }

    public S3Storage {
        endpoint.ifPresent(S3Storage::checkEndpoint);
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("s3-bucket: missing");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("s3-bucket: \"" + bucket
                    + "\" is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)");
        }
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("s3-region: \"" + region + "\" is not a region name (like eu-central-1)");
        }
        if (objectLockDays < 0 || objectLockDays > 36500) {
            throw new IllegalArgumentException("s3-object-lock-days: " + objectLockDays + " is outside 0..36500 (0: no retention)");
        }
        if (objectLockRequired && objectLockDays == 0) {
            throw new IllegalArgumentException("s3-object-lock-required: needs s3-object-lock-days, the retention to set");
        }
    }

    /** Without an endpoint override, credentials or retention: the bucket on AWS in {@code region}. */
    public S3Storage(String bucket, String region) {
        this(Optional.empty(), bucket, region, false, Optional.empty(), 0, false);
    }

    public S3Storage withEndpoint(URI uri, boolean pathStyleAddressing) {
        return new S3Storage(Optional.of(uri), bucket, region, pathStyleAddressing, credentials, objectLockDays, objectLockRequired);
    }

    public S3Storage withCredentials(Credentials c) {
        return new S3Storage(endpoint, bucket, region, pathStyle, Optional.of(c), objectLockDays, objectLockRequired);
    }

    public S3Storage withObjectLock(int days, boolean required) {
        return new S3Storage(endpoint, bucket, region, pathStyle, credentials, days, required);
    }

    private static void checkEndpoint(URI uri) {
        if (uri.getRawUserInfo() != null) { // never echoed: it may hold a secret
            throw new IllegalArgumentException("s3-endpoint: has a user part; give the access key as s3-access-key-id");
        }
        String scheme = uri.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("s3-endpoint: \"" + uri + "\" is not an http:// or https:// URL with a host");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("s3-endpoint: \"" + uri + "\" has a path or query (give the bucket as s3-bucket)");
        }
    }
}
