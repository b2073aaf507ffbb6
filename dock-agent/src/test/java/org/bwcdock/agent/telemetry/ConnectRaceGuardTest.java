package org.bwcdock.agent.telemetry;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paho 1.2.5's connect task polls, ignoring interrupts, until its receiver runs; a connection reset
 * right after the accept let the receiver start and stop between two polls, and the connect task
 * then kept its pool thread forever. With the guard, every refused attempt gives its threads back.
 */
@Timeout(60)
class ConnectRaceGuardTest {

    @Test
    void connectionsResetRightAfterTheAcceptLeaveNoPahoThreadBehind() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread resetter = new Thread(() -> resetEveryConnection(server), "race-test-resetter");
            resetter.start();
            AtomicInteger n = new AtomicInteger();
            for (int attempt = 1; attempt <= 20; attempt++) {
                ScheduledExecutorService pool = Executors.newScheduledThreadPool(6, r -> new Thread(r, "race-test-io-" + n.incrementAndGet()));
                MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + server.getLocalPort(), "race-test",
                        new MemoryPersistence(), null, pool);
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setConnectionTimeout(5);
                o.setAutomaticReconnect(false);
                o.setSocketFactory(new ConnectRaceGuard());
                assertThrows(MqttException.class, () -> client.connect(o).waitForCompletion(8_000), "attempt " + attempt);
                client.close(true);
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS), "attempt " + attempt + ": a Paho thread is still busy: "
                        + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(t -> t.startsWith("MQTT")).toList());
            }
            server.close();
            resetter.join(5_000);
        }
    }

    /** A port where something accepts and resets at once: a TCP proxy in front of a broker that is down. */
    private static void resetEveryConnection(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                return; // closed
            }
        }
    }
}
