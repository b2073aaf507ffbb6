package org.bwcdock.sandbox.upload;

import org.bwcdock.receiver.S3Storage;
import org.bwcdock.testing.Poll;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One bucket in a real S3 API server (S3Proxy, in memory, in this JVM) for the receiver's S3 store; {@link #close} stops it. */
final class S3Bucket implements AutoCloseable {
    private static final String ACCESS_KEY = "sandbox-access-key";
    private static final String SECRET_KEY = "sandbox-secret-key-not-a-real-one";
    static final String NAME = "evidence";

    private final TransientNio2BlobStore blobs = new TransientNio2BlobStore();
    private final S3Proxy proxy;
    private final S3Client client;

    S3Bucket() throws Exception {
        proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0")).stopTimeout(1000)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        Poll.until("S3Proxy started", Duration.ofSeconds(30), () -> "STARTED".equals(proxy.getState()));
        client = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint()).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
        client.createBucket(b -> b.bucket(NAME));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    S3Storage storage() {
        return new S3Storage(NAME, "us-east-1").withEndpoint(endpoint(), true)
                .withCredentials(new S3Storage.Credentials(ACCESS_KEY, SECRET_KEY));
    }

    /** The {@code bwcdock-receiver} options for this bucket; the secret key goes to {@code secretFile} (mode 0600). */
    List<String> receiverOptions(java.nio.file.Path secretFile) throws java.io.IOException {
        java.nio.file.Files.writeString(secretFile, SECRET_KEY);
        java.nio.file.Files.setPosixFilePermissions(secretFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return List.of("--store-type", "s3", "--s3-endpoint", endpoint().toString(), "--s3-bucket", NAME, "--s3-path-style",
                "--s3-access-key-id", ACCESS_KEY, "--s3-secret-key-file", secretFile.toString());
    }

    List<String> keys(String prefix) {
        List<String> out = new ArrayList<>();
        for (S3Object o : client.listObjectsV2Paginator(l -> l.bucket(NAME).prefix(prefix)).contents()) {
            out.add(o.key());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        blobs.close();
    }
}
