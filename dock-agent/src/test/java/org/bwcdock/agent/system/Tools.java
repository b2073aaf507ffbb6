package org.bwcdock.agent.system;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs Debian's checking tools; in CI a missing tool is a failure (.ci/run installs them), elsewhere a skip. */
final class Tools {
    private Tools() {
    }

    record Result(int exit, String output) {
    }

    static void require(String tool) {
        if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
            if ("true".equals(System.getenv("CI"))) {
                fail(tool + " is not installed: .ci/run must install it");
            }
            Assumptions.abort(tool + " not installed");
        }
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        require(cmd[0]);
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                fail(String.join(" ", cmd) + " did not finish");
            }
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
