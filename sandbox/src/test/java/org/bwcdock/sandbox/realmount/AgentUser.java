package org.bwcdock.sandbox.realmount;

import org.bwcdock.testing.Jvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs this test's code in a JVM of its own as the unprivileged bwcdock user, the way the unit runs the agent. */
final class AgentUser {
    private final Path work;
    private final String classPath;

    /**
     * Makes {@code work} the bwcdock user's and links (or copies) into it the class path entries
     * that user cannot read (the Maven repository under /root).
     */
    AgentUser(Path work) throws Exception {
        this.work = work;
        Path cp = Files.createDirectories(work.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (p.startsWith("/root") && Files.isRegularFile(p)) {
                Path copy = cp.resolve((i++) + "-" + p.getFileName());
                try {
                    Files.createLink(copy, p); // same filesystem: instant, and the jar is world-readable
                } catch (IOException | UnsupportedOperationException notLinkable) {
                    Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                entries.add(copy.toString());
            } else {
                entries.add(p.toString());
            }
        }
        classPath = String.join(File.pathSeparator, entries);
        own(work);
    }

    /** Gives {@code dir} (and all in it) to the bwcdock user: the agent's config, keys and state live there. */
    static void own(Path dir) throws Exception {
        UdisksHost.runOk(List.of("chmod", "755", dir.toString()));
        UdisksHost.runOk(List.of("chown", "-R", UdisksHost.USER + ":" + UdisksHost.USER, dir.toString()));
    }

    /** Starts {@code main} as bwcdock in {@code dir}; its output goes to {@code log}. */
    Process start(Path dir, Class<?> main, Path log, String... args) throws IOException {
        return start(dir, main, log, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, Class, Path, String...)}, with these environment variables set (e.g. a locale). */
    Process start(Path dir, Class<?> main, Path log, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Jvm.java(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-Djava.io.tmpdir=" + dir, "-cp", classPath, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(UdisksHost.asAgentUser(cmd)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("BWCDOCK_LOG_TIME", "%d{HH:mm:ss.SSS} ");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code main} as bwcdock to its end; returns its output. */
    String run(Class<?> main, String... args) throws Exception {
        Path log = Files.createTempFile(work, "probe-", ".log");
        Process p = start(work, main, log, args);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(main.getSimpleName() + " did not end within 60 s: " + Files.readString(log));
        }
        return Files.readString(log);
    }

    /** A query on the agent's ledger, as bwcdock (so that SQLite's side files stay the agent's). */
    String sql(Path ledger, String query) throws Exception {
        if (!Files.exists(ledger)) {
            return "";
        }
        UdisksHost.Result r = UdisksHost.run(UdisksHost.asAgentUser(List.of("sqlite3", "-readonly", "-cmd", ".timeout 5000", ledger.toString(), query)));
        if (r.exit() != 0 && r.output().contains("no such table")) {
            return ""; // the agent is still creating its ledger
        }
        if (r.exit() != 0) {
            throw new AssertionError("sqlite3 " + query + ": " + r.output());
        }
        return r.output();
    }

    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }
}
