package org.bwcdock.receiver;

import com.adobe.testing.s3mock.S3MockApplication;
import org.bwcdock.format.Receipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Object Lock against S3Mock (in this JVM), which stores retention and reads it back (it does not
 * enforce it: no local S3 server does, see /work/shared/NOTES.md): every evidence object carries
 * COMPLIANCE retention for the configured days by the time the dock has its receipt.
 */
@Timeout(180)
class S3ObjectLockTest {
    private static final String BUCKET = "locked-evidence";

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("deprecation") // S3Mock discourages in-JVM use; it is what lets the test start and stop it
    void everyEvidenceObjectHasComplianceRetentionReadBackBeforeTheReceipt() throws Exception {
        // Its files in the test's own directory, not a temporary one of its own that it leaves behind.
        S3MockApplication mock = S3MockApplication.start(new HashMap<>(Map.of("server.port", 0, "http.port", 0, "silent", true,
                "com.adobe.testing.s3mock.store.root", dir.resolve("s3mock").toString())));
        try (TestSite site = new TestSite(dir)) {
            URI endpoint = URI.create("http://127.0.0.1:" + mock.getHttpPort());
            try (S3Client client = S3ProxyServer.client(endpoint)) {
                client.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
                site.startS3(S3ProxyServer.storage(endpoint, BUCKET).withObjectLock(30, true));
                Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                byte[] part = new byte[50_000];
                new Random(7).nextBytes(part);
                Receipt receipt = site.dock("dock-01").uploadAndCommit(part, "DCIM/100/VID0009.MP4");
                Instant after = Instant.now();
                List<String> keys = new ArrayList<>();
                for (S3Object o : client.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix("evidence/")).contents()) {
                    keys.add(o.key());
                }
                assertEquals(4, keys.size(), keys.toString());
                for (String key : keys) {
                    assertTrue(key.startsWith("evidence/" + receipt.evidenceId() + "/"), key);
                    ObjectLockRetention r = client.getObjectRetention(g -> g.bucket(BUCKET).key(key)).retention();
                    assertEquals(ObjectLockRetentionMode.COMPLIANCE, r.mode(), key);
                    assertFalse(r.retainUntilDate().isBefore(before.plus(Duration.ofDays(30))), key + ": " + r.retainUntilDate());
                    assertFalse(r.retainUntilDate().isAfter(after.plus(Duration.ofDays(30))), key + ": " + r.retainUntilDate());
                }
            }
        } finally {
            mock.stop();
        }
    }
}
