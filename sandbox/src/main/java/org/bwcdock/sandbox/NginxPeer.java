package org.bwcdock.sandbox;

import org.bwcdock.format.io.FileTrees;
import org.bwcdock.testing.ThrowawayPki;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as an upload peer that is not ours and not the bottleneck (issue #21, point 6): it
 * speaks just enough tus for one PATCH per upload — creation answered at once, the PATCH body read
 * in full (request buffering, in memory or /dev/shm) and then answered 204 with the offset the
 * client expects by a second server block — and discards the bytes. What the upload bench then
 * measures is the client: TLS, HTTP, reading the file. Mutual TLS as at the receiver.
 */
final class NginxPeer implements AutoCloseable {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private final Path dir;
    private final Process process;
    private final int port;

    private NginxPeer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    String base() {
        return "https://127.0.0.1:" + port;
    }

    static NginxPeer start(Path parent, ThrowawayPki.Leaf server, Path caFile, Path bodyTemp) throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX)) {
            throw new IOException(NGINX + " is missing: tools/test-peers installs nginx-light");
        }
        Path dir = Files.createTempDirectory(parent, "nginx-");
        int port = freePort();
        Path backend = dir.resolve("backend.sock");
        String conf = """
                worker_processes 1;
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %2$s;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    client_max_body_size 0;
                    client_body_buffer_size 4m;
                    server {
                        listen 127.0.0.1:%3$d ssl;
                        ssl_protocols TLSv1.3;
                        ssl_certificate %4$s;
                        ssl_certificate_key %5$s;
                        ssl_client_certificate %6$s;
                        ssl_verify_client on;
                        location = /uploads {
                            add_header Tus-Resumable 1.0.0 always;
                            add_header Tus-Extension "creation,checksum" always;
                            add_header Tus-Checksum-Algorithm sha256 always;
                            add_header Location /u/$request_id always;
                            return 201;
                        }
                        location /u/ {
                            proxy_request_buffering on;
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_set_header X-Body-Length $content_length;
                            proxy_pass http://unix:%7$s:;
                        }
                        location / {
                            return 400 "not a tus server\\n";
                        }
                    }
                    server {
                        listen unix:%7$s;
                        location / {
                            add_header Tus-Resumable 1.0.0 always;
                            add_header Upload-Offset $http_x_body_length always;
                            return 204;
                        }
                    }
                }
                """.formatted(dir, bodyTemp, port, server.chainFile(), server.keyFile(), caFile, backend);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(NGINX.toString(), "-e", dir.resolve("error.log").toString(), "-c", confFile.toString(),
                "-p", dir.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        NginxPeer peer = new NginxPeer(dir, p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!listening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
                peer.close();
                throw new IOException("nginx did not start: " + log + Files.readString(dir.resolve("stdout.log")));
            }
            Thread.sleep(50); // polling a port with a deadline
        }
        return peer;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            FileTrees.delete(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("bench: " + dir + " not removed: " + e.getMessage());
        }
    }
}
