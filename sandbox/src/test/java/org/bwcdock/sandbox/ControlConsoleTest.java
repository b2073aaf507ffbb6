package org.bwcdock.sandbox;

import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo --keep-running} as a user drives it, in its own JVM: the console answers good and bad
 * commands, a cut network holds new footage back until it is restored, and Ctrl-C (SIGINT) stops
 * everything: the process exits, its ports close and its work directory is gone.
 */
@Timeout(240)
class ControlConsoleTest {
    private static final Pattern PORTS = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+), evidence receiver on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void keepRunningConsoleThenCtrlCLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        // A child of a non-interactive shell may inherit SIGINT as ignored, and a JVM then never sees
        // Ctrl-C: give the sandbox the default disposition, as a terminal's foreground job has.
        ProcessBuilder pb = Jvm.fork(List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp), Sandbox.class, "--keep-running");
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
        command.addAll(pb.command());
        Process p = pb.command(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "console-test-reader");
        reader.start();
        List<String> seen = new ArrayList<>();
        try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            String banner = await(lines, seen, l -> PORTS.matcher(l).find(), 120);
            Matcher m = PORTS.matcher(banner);
            assertTrue(m.find());
            int broker = Integer.parseInt(m.group(1));
            int receiver = Integer.parseInt(m.group(2));
            await(lines, seen, l -> l.contains("type help for commands"), 120);

            send(in, "frobnicate");
            await(lines, seen, l -> l.equals("error: unknown command 'frobnicate'; type help"), 10);
            send(in, "dock 9");
            await(lines, seen, l -> l.startsWith("error: no camera or bay '9'"), 10);
            send(in, "record 2 lots");
            await(lines, seen, l -> l.startsWith("error: usage: record BAY|SERIAL MB"), 10);
            send(in, "badge 1");
            await(lines, seen, l -> l.startsWith("ok: officer-1042 taps badge 04a1b2c3"), 10);

            // New footage while the network is cut: ingested, but not receipted until it is back
            // (and the TSA down meanwhile: receipted all the same).
            send(in, "tsa off");
            await(lines, seen, l -> l.startsWith("ok: tsa down"), 10);
            send(in, "network off");
            await(lines, seen, l -> l.startsWith("ok: network cut"), 10);
            send(in, "undock 2");
            await(lines, seen, l -> l.startsWith("ok: BWC-00412 taken out of bay 2"), 10);
            // The dock debounces USB: an unplug and plug within it is a glitch, not an undock.
            await(lines, seen, l -> l.startsWith("bay 2: camera -"), 30);
            send(in, "record 2 3");
            await(lines, seen, l -> l.startsWith("ok: BWC-00412 recorded REC"), 10);
            send(in, "dock 2");
            await(lines, seen, l -> l.startsWith("ok: BWC-00412 docked in bay 2"), 10);
            await(lines, seen, l -> l.startsWith("bay 2:") && l.contains("ingest 100%"), 60);
            send(in, "status");
            String status = await(lines, seen, l -> l.startsWith("receiver: "), 10);
            assertTrue(status.contains("12 evidence files; network cut"), status);
            send(in, "receiver restart");
            await(lines, seen, l -> l.startsWith("ok: receiver restarted"), 30);
            send(in, "network on");
            await(lines, seen, l -> l.startsWith("ok: network restored"), 10);
            await(lines, seen, l -> l.startsWith("bay 2:") && l.contains("phase safe"), 90);
            send(in, "status");
            status = await(lines, seen, l -> l.startsWith("receiver: "), 10);
            assertTrue(status.contains("13 evidence files; network up"), status);
            assertTrue(status.contains("; tsa down"), status);
            send(in, "tsa on");
            await(lines, seen, l -> l.startsWith("ok: tsa up"), 10);

            // Ctrl-C.
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            long t0 = System.nanoTime();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running after SIGINT: " + String.join("\n", seen));
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(stopMillis < 15_000, "Ctrl-C took " + stopMillis + " ms");
            assertEquals(130, p.exitValue(), String.join("\n", seen));
            assertFalse(listening(broker), "broker port still open");
            assertFalse(listening(receiver), "receiver port still open");
            try (Stream<Path> left = Files.list(tmp)) {
                List<Path> stray = left.filter(f -> f.getFileName().toString().startsWith("bwcdock-sandbox-")).toList();
                assertTrue(stray.isEmpty(), "work directory left behind: " + stray);
            }
        } finally {
            Jvm.kill(p);
            reader.join(5_000);
        }
    }

    private static void send(Writer in, String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    private static String await(BlockingQueue<String> lines, List<String> seen, java.util.function.Predicate<String> want, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (want.test(l)) {
                    return l;
                }
            }
        }
        throw new AssertionError("no such line within " + seconds + " s; output:\n" + String.join("\n", seen));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
