package org.bwcdock.sandbox.upload;

import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.agent.upload.SinkSettings;
import org.bwcdock.agent.upload.Sinks;
import org.bwcdock.agent.upload.UploadException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Our TusSink against a stock tus server (npm @tus/server + @tus/file-store) on loopback. */
@Timeout(60)
class TusInteropTest {
    static final Path NODE_DIR = Path.of("src/test/tus-node");

    @Test
    void tusSinkUploadsToStockTusServer(@TempDir Path dir) throws Exception {
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/@tus/server"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("npm packages missing: .ci/run must run 'npm ci' in " + NODE_DIR);
            }
            Assumptions.abort("run 'npm ci' in " + NODE_DIR + " for the tus interop test");
        }
        try (UploadFixture f = new UploadFixture(dir)) {
            UploadFixture.Ingested in = f.ingest(f.dock, 3_000_000, 1 << 21); // two parts
            Path store = Files.createDirectories(dir.resolve("tus-store"));
            Process node = new ProcessBuilder("node", "server.mjs", store.toString()).directory(NODE_DIR.toFile())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertTrue(line != null && line.startsWith("PORT "), "node server said: " + line);
                int port = Integer.parseInt(line.substring(5).trim());
                EvidenceSink sink = Sinks.tus(new SinkSettings(URI.create("http://127.0.0.1:" + port + "/"), Optional.empty(),
                        org.bwcdock.format.ReceiptSigners.of(List.of(f.pki.ca)), 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(20),
                        Duration.ofSeconds(1), 0, "dock-test-01"));
                // @tus/server knows nothing of our commit: the parts arrive, the commit is refused.
                UploadException e = assertThrows(UploadException.class, () -> sink.deliver(in.delivery(null), UploadFixture.QUIET));
                assertTrue(e.getMessage().contains("commit refused"), e.getMessage());
                sink.close();
                for (var part : in.result().parts()) {
                    String expected = part.ciphertextSha256();
                    try (var files = Files.list(store)) {
                        assertTrue(files.filter(p -> !p.toString().endsWith(".json")).anyMatch(p -> sha(p).equals(expected)),
                                "no stored upload has the SHA-256 of part " + part.index());
                    }
                }
            } finally {
                node.destroyForcibly();
                node.waitFor();
            }
        }
    }

    private static String sha(Path p) {
        try {
            return org.bwcdock.format.pki.Digests.sha256Hex(Files.readAllBytes(p));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
