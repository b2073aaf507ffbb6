package org.bwcdock.receiver;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Listing, probing and removing objects of one bucket, with the SDK's exceptions turned into messages that name the bucket. */
record BucketObjects(S3Client s3, String bucket) {
    /** Every object under {@code prefix} (all pages), in key order. */
    List<S3Object> list(String prefix) throws IOException {
        try {
            List<S3Object> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents()) {
                out.add(o);
            }
            return Collections.unmodifiableList(out);
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": listing " + prefix + ": " + e.getMessage(), e);
        }
    }

    boolean exists(String key) {
        try {
            s3.headObject(h -> h.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the objects, a thousand per request (S3's limit); absent ones are no error. */
    void delete(List<String> keys) throws IOException {
        List<ObjectIdentifier> ids = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        try {
            for (int from = 0; from < ids.size(); from += 1000) {
                List<ObjectIdentifier> batch = ids.subList(from, Math.min(ids.size(), from + 1000));
                s3.deleteObjects(d -> d.bucket(bucket).delete(del -> del.objects(batch).quiet(true)));
            }
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + ": removing " + keys.size() + " object(s): " + e.getMessage(), e);
        }
    }
}
