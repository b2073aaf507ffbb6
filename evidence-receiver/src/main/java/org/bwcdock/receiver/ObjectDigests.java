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
        return done(bytes.length, md5.digest(), sha.digest());
    }

    /** The file's length and MD5, read here; its SHA-256 given, taken already as the bytes arrived. */
    static ObjectDigests of(Path file, byte[] sha256) throws IOException {
        MessageDigest md5 = md("MD5");
        try (InputStream in = Files.newInputStream(file)) {
            return done(update(in, md5), md5.digest(), sha256);
        }
    }

    static ObjectDigests of(InputStream in) throws IOException {
        MessageDigest md5 = md("MD5");
        MessageDigest sha = md("SHA-256");
        return done(update(in, md5, sha), md5.digest(), sha.digest());
    }

    /** Feeds every byte of {@code in} to each digest; how many there were. */
    private static long update(InputStream in, MessageDigest... digests) throws IOException {
        long length = 0;
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            for (MessageDigest d : digests) {
                d.update(buf, 0, n);
            }
            length += n;
        }
        return length;
    }

    private static ObjectDigests done(long length, byte[] md5, byte[] sha256) {
        return new ObjectDigests(length, Base64.getEncoder().encodeToString(md5), Base64.getEncoder().encodeToString(sha256),
                java.util.HexFormat.of().formatHex(sha256));
    }

    static MessageDigest md(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is part of every JDK", e);
        }
    }
}
