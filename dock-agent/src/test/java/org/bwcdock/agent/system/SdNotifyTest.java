package org.bwcdock.agent.system;

import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fake systemd: a datagram socket (python3, since Java cannot bind one) that the real libsystemd writes to. */
@Timeout(60)
class SdNotifyTest {

    @Test
    void readyThenWatchdogOnlyWhileHealthy(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path script = Files.writeString(dir.resolve("listen.py"), """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print("LISTENING", flush=True)
                while True:
                    data = s.recv(4096)
                    print(data.decode().replace("\\n", " "), flush=True)
                """);
        Process listener = new ProcessBuilder("/usr/bin/python3", script.toString(), socket.toString()).start();
        Process agent = null;
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("LISTENING", lines.readLine());
            Thread reader = new Thread(() -> {
                try {
                    String l;
                    while ((l = lines.readLine()) != null) {
                        got.add(l.strip());
                    }
                } catch (Exception ignored) {
                    // listener ended
                }
            }, "test-notify-reader");
            reader.setDaemon(true);
            reader.start();

            agent = Jvm.start(List.of(), Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000"), NotifyMain.class);
            assertEquals("READY=1", got.poll(20, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            List<Long> pings = new ArrayList<>();
            while (pings.size() < 4) {
                String m = got.poll(5, TimeUnit.SECONDS);
                assertEquals("WATCHDOG=1", m);
                pings.add(System.nanoTime() - t0);
            }
            long gap = (pings.get(3) - pings.get(1)) / 2 / 1_000_000;
            // Generous bounds: CI shares two cores; the point is "about every 200 ms", not a real-time guarantee.
            assertTrue(gap >= 100 && gap <= 700, "pings every " + gap + " ms; expected about 200 (WATCHDOG_USEC/2)");

            OutputStream in = agent.getOutputStream();
            in.write('\n');
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("UNHEALTHY", out.readLine());
            got.poll(300, TimeUnit.MILLISECONDS); // at most one ping already on its way
            got.clear();
            assertNull(got.poll(1200, TimeUnit.MILLISECONDS), "a watchdog ping while the health check fails");
            in.write('\n');
            in.flush();
            assertEquals("STOPPING=1", got.poll(10, TimeUnit.SECONDS));
            assertEquals(0, agent.waitFor());
        } finally {
            Jvm.kill(agent);
            Jvm.kill(listener);
        }
    }
}
