package org.bwcdock.sandbox;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ Community Edition, embedded: a real MQTT 5 broker on 127.0.0.1 for the demo. In-memory
 * persistence (starts in ~1.6 s) and no usage statistics: the sandbox never talks to the outside.
 */
public final class SandboxBroker implements AutoCloseable {
    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private SandboxBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    static SandboxBroker start(Path home) throws Exception {
        int port = freePort();
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                  </listeners>
                  <persistence>
                    <mode>in-memory</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        // HiveMQ reconfigures logging from conf/logback.xml (else from its own defaults): give it ours.
        try (var ours = SandboxBroker.class.getResourceAsStream("/sandbox-logback.xml")) {
            if (ours != null) {
                Files.write(conf.resolve("logback.xml"), ours.readAllBytes());
            }
        }
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            hivemq.close();
            throw e;
        }
        return new SandboxBroker(hivemq, port);
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker, as when the network to it is cut; {@link #resume()} starts it again. */
    public void stop() throws Exception {
        hivemq.stop().get(30, TimeUnit.SECONDS);
    }

    public void resume() throws Exception {
        hivemq.start().get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        hivemq.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
