package org.bwcdock.receiver;

import org.bwcdock.testing.Poll;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;

/**
 * A real S3 API server in the test's JVM: S3Proxy on loopback over an in-memory ("transient")
 * blob store, with AWS signature checks. It answers 501 to Object Lock. {@link #close} stops it.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "test-access-key";
    static final String SECRET_KEY = "test-secret-key-not-a-real-one";

    private final BlobStore blobs;
    private final S3Proxy proxy;
    private final S3Client client;

    S3ProxyServer() throws Exception {
        blobs = new TransientNio2BlobStore();
        proxy = S3Proxy.builder().blobStore(blobs).stopTimeout(1000).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        Poll.until("S3Proxy started", Duration.ofSeconds(30), () -> "STARTED".equals(proxy.getState()));
        client = client(endpoint());
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A client of this test's own, to create buckets and read what the receiver stored. */
    S3Client client() {
        return client;
    }

    static S3Client client(URI endpoint) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    /** The receiver's view of a bucket here (or behind a proxy on {@code endpoint}). */
    static S3Storage storage(URI endpoint, String bucket) {
        return new S3Storage(bucket, "us-east-1").withEndpoint(endpoint, true)
                .withCredentials(new S3Storage.Credentials(ACCESS_KEY, SECRET_KEY));
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        blobs.close();
    }
}
