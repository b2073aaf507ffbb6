package org.bwcdock.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's files come from the jar (bundled at build, no CDN); config.json names broker, user and rules, never a password. */
@Timeout(30)
class DashboardServerTest {
    private static final DashboardServer.Config CONFIG = new DashboardServer.Config(URI.create("wss://mqtt.agency.example:8884/mqtt"),
            "backoffice", AlarmRules.DEFAULT);

    @Test
    void servesTheBundledPageAndItsConfig() throws Exception {
        try (DashboardServer s = DashboardServer.start(new InetSocketAddress("127.0.0.1", 0), CONFIG);
             HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = get(http, s.uri());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script defer src=\"app.js\"></script>"), page.body());
            assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no third-party address in the page");
            HttpResponse<String> app = get(http, s.uri().resolve("app.js"));
            assertEquals(200, app.statusCode());
            assertEquals("text/javascript; charset=utf-8", app.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(app.body().length() > 100_000 && app.body().contains("bwcdock/v1/docks/+/"), "app.js holds mqtt.js and our code");
            JsonNode config = new ObjectMapper().readTree(get(http, s.uri().resolve("config.json")).body());
            assertEquals("wss://mqtt.agency.example:8884/mqtt", config.path("broker").asText());
            assertEquals("backoffice", config.path("username").asText());
            assertEquals(24.0, config.path("rules").path("undockedAlarmHours").asDouble());
            assertEquals(120.0, config.path("rules").path("unreceiptedAlarmMinutes").asDouble());
            assertTrue(config.path("password").isMissingNode());
            assertEquals(404, get(http, s.uri().resolve("/../pom.xml")).statusCode());
            assertEquals(404, get(http, s.uri().resolve("/fleet-model.js")).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(s.uri()).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void exportWritesFilesForAnyStaticServer(@TempDir Path tmp) throws Exception {
        StringWriter err = new StringWriter();
        Path dir = tmp.resolve("web");
        assertEquals(0, Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), Clock.systemUTC(), "export",
                "--broker", "wss://mqtt.agency.example:8884/mqtt", "--unreceipted-alarm", "45m", dir.toString()), err.toString());
        for (String f : new String[] {"index.html", "app.js", "style.css", "config.json"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertEquals(45.0, new ObjectMapper().readTree(dir.resolve("config.json").toFile()).path("rules").path("unreceiptedAlarmMinutes").asDouble());
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
