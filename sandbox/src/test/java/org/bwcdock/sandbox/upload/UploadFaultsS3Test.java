package org.bwcdock.sandbox.upload;

/** Every fault of {@link UploadFaultsTest} with the receiver's evidence in a bucket of a real S3 API server (S3Proxy). */
class UploadFaultsS3Test extends UploadFaultsTest {
    @Override
    String store() {
        return "s3";
    }
}
