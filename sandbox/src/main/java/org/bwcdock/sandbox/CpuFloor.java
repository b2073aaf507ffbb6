package org.bwcdock.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU an end-to-end docking cannot go below on this machine (issue #21, point 3), measured in
 * the same run as the agent: SHA-256 at the rate of {@code openssl dgst -sha256} for each pass the
 * agent makes over the bytes, AES-256-GCM at the rate {@code openssl speed -evp aes-256-gcm} reports
 * ({@code openssl enc} refuses AEAD ciphers), and what curl spends uploading the same bytes over TLS.
 * Also the disk's synced write rate, which bounds a durable spool.
 */
final class CpuFloor {
    /**
     * SHA-256 passes of the agent over every byte: the whole file, each part's plaintext and its
     * ciphertext at ingest, and the re-read before the wipe. The upload sends the ingest's hash.
     */
    static final int HASH_PASSES = 4;
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s");
    private static final Pattern SPEED = Pattern.compile("(?im)^aes-256-gcm\\s+([\\d.]+)k\\s*$");

    /** CPU seconds per GB (10^9 bytes). */
    record Floor(double sha256, double aesGcm, double curlUpload) {
        double total() {
            return HASH_PASSES * sha256 + aesGcm + curlUpload;
        }
    }

    private CpuFloor() {
    }

    /** The CPU seconds (user + system) {@code cmd} used, through the shell's {@code times}. */
    static double cpuSeconds(List<String> cmd, Path work) throws IOException, InterruptedException {
        List<String> sh = new ArrayList<>(List.of("sh", "-c", "\"$@\" >/dev/null || exit 1; times", "sh"));
        sh.addAll(cmd);
        Process p = new ProcessBuilder(sh).directory(work.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(cmd + " failed");
            }
            List<String> lines = out.lines().toList();
            Matcher m = TIMES.matcher(lines.isEmpty() ? "" : lines.getLast()); // the second line: the children's times
            if (!m.find()) {
                throw new IOException("cannot read the shell's times: " + out);
            }
            return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)) + Integer.parseInt(m.group(3)) * 60
                    + Double.parseDouble(m.group(4));
        } finally {
            p.destroyForcibly();
        }
    }

    static double sha256SecondsPerGb(Path file, long size, Path work) throws IOException, InterruptedException {
        return cpuSeconds(List.of("openssl", "dgst", "-sha256", file.toString()), work) / size * 1e9;
    }

    /** One core's AES-256-GCM in 16 KiB blocks, as openssl speed reports it. */
    static double aesGcmSecondsPerGb(Path work) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", "2")
                .directory(work.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("openssl speed failed: " + out);
        }
        Matcher m = SPEED.matcher(out);
        if (!m.find()) {
            throw new IOException("openssl speed printed no aes-256-gcm rate: " + out);
        }
        return 1e9 / (Double.parseDouble(m.group(1)) * 1000);
    }

    /** {@code dd bs=1M conv=fsync} of {@code bytes} into {@code dir}: what a durable spool there can take, MB/s. */
    static double syncedWriteMbps(Path dir, long bytes) throws IOException, InterruptedException {
        Path f = dir.resolve("dd-synced.bin");
        try {
            double s = Bench.time(List.of("dd", "if=/dev/zero", "of=" + f, "bs=1M", "count=" + Math.max(1, bytes >> 20),
                    "conv=fsync", "status=none"), dir);
            return bytes / s / 1e6;
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
