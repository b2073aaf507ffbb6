package org.bwcdock.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** An object's length, and its MD5 and SHA-256 as S3 headers want them (base64), in one pass. */
record ObjectDigests(long length, String md5, String sha256, String sha256Hex) {
    static ObjectDigests of(byte[] bytes) {
        MessageDigest md5 = md("MD5");
        MessageDigest sha = md("SHA-256");
        md5.update(bytes);
        sha.update(bytes);
        return done(bytes.length, md5, sha);
    }

    static ObjectDigests of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        }
    }

    static ObjectDigests of(InputStream in) throws IOException {
        MessageDigest md5 = md("MD5");
        MessageDigest sha = md("SHA-256");
        long length = 0;
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md5.update(buf, 0, n);
            sha.update(buf, 0, n);
            length += n;
        }
        return done(length, md5, sha);
    }

    private static ObjectDigests done(long length, MessageDigest md5, MessageDigest sha) {
        byte[] s = sha.digest();
        return new ObjectDigests(length, Base64.getEncoder().encodeToString(md5.digest()), Base64.getEncoder().encodeToString(s),
                java.util.HexFormat.of().formatHex(s));
    }

    static MessageDigest md(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is part of every JDK", e);
        }
    }
}
