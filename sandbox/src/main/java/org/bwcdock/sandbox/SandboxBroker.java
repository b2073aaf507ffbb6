package org.bwcdock.sandbox;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ Community Edition, embedded: a real MQTT 5 broker on 127.0.0.1 for the demo. No usage
 * statistics: the sandbox never talks to the outside. File persistence under its home, so that a
 * {@link #stop()} and {@link #resume()} is a broker restart that keeps sessions and the messages
 * queued for them, as a production broker does. Two listeners: plain TCP for the dock, and MQTT
 * over secure WebSocket ({@code wss://…/mqtt}) for the fleet dashboard, where only the back-office
 * user gets in and may only subscribe ({@link BackOfficeAccess}).
 */
public final class SandboxBroker implements AutoCloseable {
    /** The secure WebSocket listener: its key store (PKCS#12) and the back-office password. */
    record WebSocket(Path keyStore, String keyStorePassword, String backOfficePassword) {
    }

    private final Path home;
    private final int port;
    private final int wssPort;
    private final BackOfficeAccess access;
    private EmbeddedHiveMQ hivemq;

    private SandboxBroker(Path home, EmbeddedHiveMQ hivemq, int port, int wssPort, BackOfficeAccess access) {
        this.home = home;
        this.hivemq = hivemq;
        this.port = port;
        this.wssPort = wssPort;
        this.access = access;
    }

    static SandboxBroker start(Path home, WebSocket ws) throws Exception {
        int port = freePort();
        int wssPort = freePort();
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                    <tls-websocket-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                      <path>/mqtt</path>
                      <name>back-office-wss</name>
                      <subprotocols>
                        <subprotocol>mqtt</subprotocol>
                      </subprotocols>
                      <allow-extensions>true</allow-extensions>
                      <tls>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                      </tls>
                    </tls-websocket-listener>
                  </listeners>
                  <persistence>
                    <mode>file</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, wssPort, ws.keyStore(), ws.keyStorePassword(), ws.keyStorePassword()));
        // HiveMQ reconfigures logging from conf/logback.xml (else from its own defaults): give it ours.
        try (var ours = SandboxBroker.class.getResourceAsStream("/sandbox-logback.xml")) {
            if (ours != null) {
                Files.write(conf.resolve("logback.xml"), ours.readAllBytes());
            }
        }
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("extensions"));
        BackOfficeAccess access = new BackOfficeAccess(ws.backOfficePassword());
        return new SandboxBroker(home, launch(home, access), port, wssPort, access);
    }

    private static EmbeddedHiveMQ launch(Path home, BackOfficeAccess access) throws Exception {
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(home.resolve("conf"))
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .withEmbeddedExtension(access.extension())
                // Our logging configuration stays in force (HiveMQ's own would replace it, and with
                // it the demo's log file).
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            hivemq.close();
            throw e;
        }
        return hivemq;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** MQTT over secure WebSocket, for browsers: the back-office user only, subscribe only. */
    public URI webSocketUri() {
        return URI.create("wss://127.0.0.1:" + wssPort + "/mqtt");
    }

    /** Stops the broker; {@link #resume()} starts it again on the same port and persistence. */
    public synchronized void stop() throws Exception {
        if (hivemq != null) {
            hivemq.close();
            hivemq = null;
        }
    }

    /**
     * Starts a stopped broker again. A new embedded instance: HiveMQ CE 2025.5 cannot start one
     * that was stopped (its metrics are registered twice and the start fails).
     */
    public synchronized void resume() throws Exception {
        if (hivemq == null) {
            hivemq = launch(home, access);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
