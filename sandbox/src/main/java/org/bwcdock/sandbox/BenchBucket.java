package org.bwcdock.sandbox;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The bench's S3 store: S3Proxy on loopback in the bench's JVM, its objects as files under
 * {@code dir} (on /dev/shm when there is room, like the filesystem store's row), with AWS signature
 * checks, so the receiver in its own JVM talks real S3 over HTTP to it. {@link #close} stops it.
 */
final class BenchBucket implements AutoCloseable {
    private static final String ACCESS_KEY = "bench-access-key";
    private static final String SECRET_KEY = "bench-secret-key-not-a-real-one";
    private static final String NAME = "bench-evidence";

    private final FilesystemNio2BlobStore blobs;
    private final S3Proxy proxy;
    private final S3Client client;

    BenchBucket(Path dir) throws Exception {
        blobs = new FilesystemNio2BlobStore(Files.createDirectories(dir).toString());
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0")).stopTimeout(1000)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        org.bwcdock.testing.Poll.until("S3Proxy started", java.time.Duration.ofSeconds(30), () -> "STARTED".equals(proxy.getState()));
        client = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint()).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
        client.createBucket(b -> b.bucket(NAME));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The receiver's options for this bucket; the secret key goes to {@code secretFile} (0600). */
    List<String> receiverOptions(Path secretFile) throws IOException {
        Files.writeString(secretFile, SECRET_KEY);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        return List.of("--store-type", "s3", "--s3-endpoint", endpoint().toString(), "--s3-bucket", NAME, "--s3-path-style",
                "--s3-access-key-id", ACCESS_KEY, "--s3-secret-key-file", secretFile.toString());
    }

    /** Removes every object (between rounds: the space a round used is given back). */
    void empty() {
        for (var page : client.listObjectsV2Paginator(l -> l.bucket(NAME))) {
            List<ObjectIdentifier> keys = page.contents().stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
            if (!keys.isEmpty()) {
                client.deleteObjects(d -> d.bucket(NAME).delete(del -> del.objects(keys).quiet(true)));
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        blobs.close();
    }
}
