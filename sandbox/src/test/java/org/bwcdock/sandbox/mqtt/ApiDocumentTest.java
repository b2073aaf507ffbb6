package org.bwcdock.sandbox.mqtt;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** docs/mqtt-api.yaml is a valid AsyncAPI 3 document (npm @asyncapi/parser). */
@Timeout(120)
class ApiDocumentTest {
    static final Path CHECK = Path.of("..", "docs", "asyncapi-check");

    @Test
    void asyncApiDocumentValidates() throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules/@asyncapi/parser"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("npm packages missing: .ci/run must run 'npm ci' in docs/asyncapi-check");
            }
            Assumptions.abort("run 'npm ci' in docs/asyncapi-check");
        }
        Process p = new ProcessBuilder("node", "check.mjs", "../mqtt-api.yaml").directory(CHECK.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
