package org.bwcdock.receiver;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Where committed evidence is kept ({@code --store-type} and the {@code --s3-...} options): shared by serving and {@code verify}. */
final class S3Options {
    /** Committed evidence and the uploads in progress go here; with s3, --store only stages PATCH bodies. */
    enum StoreType { file, s3 }

    @Option(names = "--store-type", defaultValue = "file",
            description = "where uploads and committed evidence are kept: file (--store, the default) or s3 (--s3-bucket)")
    StoreType storeType;

    @Option(names = "--s3-endpoint", description = "the S3 API's URL (e.g. https://s3.example.org:9000); default: AWS in --s3-region")
    String s3Endpoint;

    @Option(names = "--s3-bucket", description = "an existing bucket for the evidence")
    String s3Bucket;

    @Option(names = "--s3-region", defaultValue = "us-east-1", description = "the region requests are signed for (default ${DEFAULT-VALUE})")
    String s3Region;

    @Option(names = "--s3-path-style", description = "address the bucket in the path (http://host/bucket/key), as most non-AWS stores want")
    boolean s3PathStyle;

    @Option(names = "--s3-access-key-id", description = "with --s3-secret-key-file; without both, the AWS SDK's default credential chain")
    String s3AccessKeyId;

    @Option(names = "--s3-secret-key-file", description = "file holding the secret access key (mode 0600)")
    Path s3SecretKeyFile;

    @Option(names = "--s3-object-lock-days", defaultValue = "0",
            description = "COMPLIANCE retention set and read back on every evidence object before the receipt (0: none)")
    int s3ObjectLockDays;

    @Option(names = "--s3-object-lock-required",
            description = "refuse to start when the bucket cannot lock objects (else: a warning, and no retention)")
    boolean s3ObjectLockRequired;

    /** The storage options as one validated value, empty for the file store (messages name the option without its dashes; the caller adds them). */
    Optional<S3Storage> s3() {
        if (storeType == StoreType.file) {
            if (s3Bucket != null || s3Endpoint != null || s3AccessKeyId != null || s3SecretKeyFile != null || s3ObjectLockDays != 0
                    || s3ObjectLockRequired) {
                throw new IllegalArgumentException("store-type: the --s3-... options need --store-type s3");
            }
            return Optional.empty();
        }
        Optional<URI> endpoint = Optional.empty();
        if (s3Endpoint != null) {
            try {
                endpoint = Optional.of(new URI(s3Endpoint));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("s3-endpoint: not a URL: " + e.getMessage());
            }
        }
        if ((s3AccessKeyId == null) != (s3SecretKeyFile == null)) {
            throw new IllegalArgumentException((s3AccessKeyId == null ? "s3-access-key-id" : "s3-secret-key-file")
                    + ": missing; give --s3-access-key-id and --s3-secret-key-file together, or neither for the SDK's credential chain");
        }
        Optional<S3Storage.Credentials> credentials = Optional.empty();
        if (s3AccessKeyId != null) {
            credentials = Optional.of(new S3Storage.Credentials(s3AccessKeyId, readSecret(s3SecretKeyFile)));
        }
        return Optional.of(new S3Storage(endpoint, s3Bucket, s3Region, s3PathStyle, credentials, s3ObjectLockDays,
                s3ObjectLockRequired));
    }

    private static String readSecret(Path file) {
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            if (!mode.endsWith("------")) {
                throw new IllegalArgumentException("s3-secret-key-file: " + file + " has mode " + mode
                        + "; it must be readable by its owner only (chmod 600)");
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("s3-secret-key-file: cannot read " + file + ": " + e.getMessage());
        }
    }
}
