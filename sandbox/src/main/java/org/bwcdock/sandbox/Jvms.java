package org.bwcdock.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The benchmarks' child JVMs: the same java and class path as this one. */
final class Jvms {
    private Jvms() {
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Reads the child's output until a line starts with {@code prefix}; returns the rest of that line.
     * The rest of the output is drained on a daemon thread so the child never blocks on a full pipe.
     */
    static String awaitLine(Process p, String prefix, Duration limit) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String[] found = new String[1];
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (found[0] == null && line.startsWith(prefix)) {
                        synchronized (found) {
                            found[0] = line.substring(prefix.length()).trim();
                            found.notifyAll();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            }
        }, "bench-child-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (found) {
            while (found[0] == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.isAlive()) {
                    throw new IOException("child never printed '" + prefix + "' (alive: " + p.isAlive() + ")");
                }
                found.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
            }
            return found[0];
        }
    }

    /** SIGTERM, then SIGKILL if it has not ended within 30 s. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }
}
