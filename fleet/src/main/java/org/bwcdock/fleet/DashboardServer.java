package org.bwcdock.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the dashboard: the static files bundled into this jar (fleet-web/) and a config.json that
 * tells the page which broker to connect to, as which user, and the alarm thresholds. The
 * password is never served: the page asks for it (or takes it from the URL fragment, which the
 * browser does not send to any server). Any static web server can serve the same files
 * ({@link #export}); this one is for a laptop or the sandbox, on loopback by default.
 */
public final class DashboardServer implements AutoCloseable {
    static final Map<String, String> FILES = Map.of("/index.html", "text/html; charset=utf-8", "/app.js", "text/javascript; charset=utf-8",
            "/style.css", "text/css; charset=utf-8", "/app.js.LEGAL.txt", "text/plain; charset=utf-8");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What config.json says. */
    public record Config(URI broker, String username, AlarmRules rules) {
        String json() {
            ObjectNode c = JSON.createObjectNode().put("broker", broker.toString()).put("username", username);
            c.putObject("rules").put("spoolAlarmPercent", rules.spoolPercent())
                    .put("undockedAlarmHours", rules.undocked().toMinutes() / 60.0)
                    .put("unreceiptedAlarmMinutes", rules.unreceipted().toSeconds() / 60.0);
            return c.toPrettyString() + "\n";
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;

    private DashboardServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    public static DashboardServer start(InetSocketAddress address, Config config) throws IOException {
        byte[] configJson = config.json().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(address, 16);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> new Thread(r, "bwcdock-fleet-http-" + n.incrementAndGet()));
        server.setExecutor(threads);
        server.createContext("/", x -> {
            try (x) {
                serve(x, configJson);
            }
        });
        server.start();
        return new DashboardServer(server, threads);
    }

    private static void serve(HttpExchange x, byte[] configJson) throws IOException {
        String path = x.getRequestURI().getPath();
        if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
            send(x, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        if (path.equals("/config.json")) {
            send(x, 200, "application/json", configJson);
            return;
        }
        String type = FILES.get(path);
        byte[] body = type == null ? null : resource(path);
        if (body == null) {
            send(x, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(x, 200, type, body);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream("/fleet-web" + path)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        var h = x.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-cache");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Writes the dashboard's files and config.json into {@code dir}, for any static web server. */
    public static void export(Path dir, Config config) throws IOException {
        Files.createDirectories(dir);
        for (String f : FILES.keySet()) {
            byte[] b = resource(f);
            if (b == null) {
                throw new IOException("the dashboard's " + f + " is missing from this build (run ./bwcdock build)");
            }
            Files.write(dir.resolve(f.substring(1)), b);
        }
        Files.writeString(dir.resolve("config.json"), config.json());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address on this server. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
