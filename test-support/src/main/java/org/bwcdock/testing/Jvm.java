package org.bwcdock.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Forks a JVM running a test main class on this test's classpath (for kill -9 and -Xmx tests). */
public final class Jvm {
    private Jvm() {
    }

    public static String java() {
        String fromSurefire = System.getProperty("bwcdock.java");
        if (fromSurefire != null) {
            return fromSurefire;
        }
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static ProcessBuilder fork(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb;
    }

    public static Process start(List<String> jvmOptions, Map<String, String> env, Class<?> main, String... args)
            throws IOException {
        ProcessBuilder pb = fork(jvmOptions, main, args);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGKILL and wait: nothing of the child survives the test. */
    public static void kill(Process p) throws InterruptedException {
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
