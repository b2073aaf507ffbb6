package org.bwcdock.sandbox.mqtt;

import org.bwcdock.sandbox.AgencyPki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto (Debian) on 127.0.0.1 for one test: TLS with client certificates, the CN as
 * user name, and the agency's pattern ACL. Stop/start keep the port, like a broker restart.
 */
final class Mosquitto implements AutoCloseable {
    final int port;
    private final Path conf;
    private Process process;

    Mosquitto(Path dir, AgencyPki pki) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/mosquitto"))) {
            throw new IllegalStateException("mosquitto is not installed: .ci/run installs the Debian package mosquitto");
        }
        Path keys = pki.keygen("broker", "--purpose", "server", "--host", "127.0.0.1");
        Path key = keys.resolve("broker.key");
        Path acl = Files.writeString(dir.resolve("acl"), """
                pattern write bwcdock/v1/docks/%u/#
                pattern read bwcdock/v1/docks/%u/cmd/#
                user backoffice
                topic read bwcdock/v1/#
                topic write bwcdock/v1/docks/+/cmd/#
                """);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conf = Files.writeString(dir.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                allow_anonymous false
                acl_file %s
                persistence false
                log_dest stderr
                user %s
                """.formatted(port, pki.caCert(), keys.resolve("broker.pem"), key, acl,
                // Started as root, mosquitto would drop to user mosquitto, who cannot enter JUnit's 0700 temp dirs.
                System.getProperty("user.name")));
        start();
    }

    void start() throws Exception {
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(conf.resolveSibling("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + Files.readString(conf.resolveSibling("mosquitto.log")));
                }
                Thread.sleep(50); // poll until the port answers
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    String uri() {
        return "ssl://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }
}
