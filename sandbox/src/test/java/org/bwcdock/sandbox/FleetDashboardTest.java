package org.bwcdock.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet dashboard in a real browser (Debian's headless Chromium through chromedriver): it
 * connects to the sandbox broker over MQTT over secure WebSocket as the back-office user, shows the
 * four bays of the scripted shift end reach "safe" — each within a second of the back office's own
 * MQTT subscriber seeing it — raises a "refused USB" alarm for a memory stick and a "dock offline"
 * alarm when the console cuts the network, and
 * logs no console error. Screenshots go to target/fleet-dashboard/.
 *
 * <p>The broker's certificate comes from the sandbox's throwaway CA; Chromium is told to trust
 * exactly that key ({@code --ignore-certificate-errors-spki-list}), not every certificate.
 */
@Timeout(180)
class FleetDashboardTest {
    private static final long[] SIZES = {50_000, 1_500_000, 4_000_000};
    private static final String PHASES = "return [...document.querySelectorAll('tr[data-bay]')]"
            + ".map(r => r.dataset.dock + '/' + r.dataset.bay + '=' + r.dataset.phase).join(' ')";

    @Test
    void dashboardFollowsTheShiftEndAndRaisesTheOfflineAlarm(@TempDir Path work) throws Exception {
        Browsers.requireInstalled();
        Path shots = Files.createDirectories(Path.of("target", "fleet-dashboard"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Sandbox sandbox = Sandbox.start(work.resolve("sandbox"), false, new PrintStream(captured, true, StandardCharsets.UTF_8))) {
            ChromeDriver browser = chromium(work.resolve("chromium"), sandbox.site().webSocketSpkiHash());
            try {
                browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
                browser.get(sandbox.site().dashboardPage().toString());
                await(() -> "connected".equals(script(browser, "return document.getElementById('connection').dataset.state")), 20,
                        () -> "the page did not connect to the broker: " + script(browser, "return document.getElementById('connection').textContent")
                                + "\n" + logs(browser));
                assertTrue(!String.valueOf(browser.getCurrentUrl()).contains("password"), "the password stays in the address bar");

                CompletableFuture<Sandbox.ShiftEnd> shift = CompletableFuture.supplyAsync(() -> {
                    try {
                        return sandbox.shiftEnd(SIZES);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // Poll page and the sandbox's back-office subscriber side by side: when MQTT says a bay is safe, the page must say so within 1 s.
                Map<Integer, Long> officeSafe = new HashMap<>();
                Map<Integer, Long> pageSafe = new HashMap<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                String phases = "";
                while ((pageSafe.size() < Site.CAMERAS.size() || officeSafe.size() < Site.CAMERAS.size()) && System.nanoTime() < deadline) {
                    long now = System.nanoTime();
                    sandbox.site().office().bayStates().forEach((bay, s) -> {
                        if (s.path("phase").asText().equals("safe")) {
                            officeSafe.putIfAbsent(bay, now);
                        }
                    });
                    phases = String.valueOf(script(browser, PHASES));
                    for (Site.Camera c : Site.CAMERAS) {
                        if (phases.contains(Site.DOCK_ID + "/" + c.bay() + "=safe")) {
                            pageSafe.putIfAbsent(c.bay(), System.nanoTime());
                        }
                    }
                    Thread.sleep(50); // poll
                }
                save(browser, shots.resolve("shift-end.png"));
                Sandbox.ShiftEnd result = shift.get(120, TimeUnit.SECONDS);
                String out = captured.toString(StandardCharsets.UTF_8);
                assertTrue(result.ok(), out);
                assertEquals(Site.CAMERAS.size(), pageSafe.size(), "bays safe on the page: " + phases + "\n" + out);
                for (Site.Camera c : Site.CAMERAS) {
                    Long mqtt = officeSafe.get(c.bay());
                    assertTrue(mqtt != null, "the back office never saw bay " + c.bay() + " safe");
                    // Negative when the page was first: both are subscribers of the same broker.
                    long lagMillis = (pageSafe.get(c.bay()) - mqtt) / 1_000_000;
                    assertTrue(lagMillis < 1_000, "bay " + c.bay() + " showed safe " + lagMillis + " ms after MQTT did");
                }
                String text = browser.findElement(org.openqa.selenium.By.id("docks")).getText();
                for (Site.Camera c : Site.CAMERAS) {
                    assertTrue(text.contains(c.serial()) && text.contains(c.officer()), "camera and officer of bay " + c.bay() + ":\n" + text);
                }
                assertTrue(text.contains("online"), text);
                backOfficeReadsButCannotCommand(sandbox.site(), work);

                // A USB memory stick: the dock refuses it, and the page shows the event as an alarm.
                ByteArrayOutputStream console = new ByteArrayOutputStream();
                ControlConsole commands = new ControlConsole(sandbox, null, new PrintStream(console, true, StandardCharsets.UTF_8));
                commands.execute("stick");
                await(() -> Boolean.TRUE.equals(script(browser, "return document.querySelector('li[data-alarm=\"refused-usb\"]') !== null")), 20,
                        () -> "no refused-usb alarm on the page: " + script(browser, "return document.getElementById('alarms').textContent"));
                String refused = String.valueOf(script(browser, "return document.querySelector('li[data-alarm=\"refused-usb\"]').textContent"));
                assertTrue(refused.contains("refused USB device 0781:5581") && refused.contains("port " + Site.SPARE_PORT), refused);
                console.reset();

                // The console cuts the network: the broker publishes the dock's will, and the page raises the alarm.
                commands.execute("network off");
                assertTrue(console.toString(StandardCharsets.UTF_8).startsWith("ok: network cut"), console.toString(StandardCharsets.UTF_8));
                await(() -> Boolean.TRUE.equals(script(browser, "return document.querySelector('li[data-alarm=\"dock-offline\"]') !== null")), 20,
                        () -> "no dock-offline alarm on the page: " + script(browser, "return document.getElementById('alarms').textContent"));
                String alarm = String.valueOf(script(browser, "return document.querySelector('li[data-alarm=\"dock-offline\"]').textContent"));
                assertTrue(alarm.contains(Site.DOCK_ID + " offline since"), alarm);
                String state = String.valueOf(script(browser, "return document.querySelector('section.dock').dataset.state"));
                assertEquals("offline", state);
                save(browser, shots.resolve("network-cut.png"));

                List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                assertTrue(errors.isEmpty(), "console errors: " + errors);
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * The same credentials serve {@code fleet report} over wss; a wrong password is refused, and the
     * back-office user cannot publish (no commands to docks).
     */
    private static void backOfficeReadsButCannotCommand(Site site, Path work) throws Exception {
        Path password = Files.writeString(work.resolve("backoffice.password"), site.backOfficePassword() + "\n");
        Path wrong = Files.writeString(work.resolve("wrong.password"), "guess\n");
        Path csv = work.resolve("cameras.csv");
        String broker = site.broker().webSocketUri().toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = org.bwcdock.fleet.Main.run(new PrintWriter(out, true), new PrintWriter(err, true), java.time.Clock.systemUTC(), "report",
                "--broker", broker, "--username", "backoffice", "--password-file", password.toString(), "--ca", site.pki().caCert().toString(),
                "--csv", csv.toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains(Site.DOCK_ID + "  online"), out.toString());
        List<String> rows = Files.readAllLines(csv);
        for (Site.Camera c : Site.CAMERAS) {
            assertTrue(rows.stream().anyMatch(r -> r.startsWith(c.serial() + "," + Site.DOCK_ID + "," + c.bay() + "," + c.officer() + ",")),
                    c.serial() + " in bay " + c.bay() + ": " + rows);
        }
        err.getBuffer().setLength(0);
        code = org.bwcdock.fleet.Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), java.time.Clock.systemUTC(),
                "report", "--broker", broker, "--username", "backoffice", "--password-file", wrong.toString(), "--ca", site.pki().caCert().toString());
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().startsWith("error: broker " + broker + ": "), err.toString());

        // Publishing a command as the back office: HiveMQ answers "not authorized" (MQTT 5 reason 135) or drops the connection.
        var client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(broker, "fleet-test-publisher",
                new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setUserName("backoffice");
        options.setPassword(site.backOfficePassword().getBytes(StandardCharsets.UTF_8));
        options.setSocketFactory(trusting(site.pki().caCert()).getSocketFactory());
        try {
            client.connect(options).waitForCompletion(10_000);
            var message = new org.eclipse.paho.mqttv5.common.MqttMessage("{\"bay\":1,\"seconds\":5}".getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            int reason;
            try {
                var token = client.publish("bwcdock/v1/docks/" + Site.DOCK_ID + "/cmd/locate", message);
                token.waitForCompletion(10_000);
                reason = token.getReasonCodes() == null ? 0 : token.getReasonCodes()[0];
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                reason = 135; // the broker closed the connection instead of acknowledging
            }
            assertEquals(135, reason, "the back office published a command");
        } finally {
            // The broker may be closing this connection itself (it refused the publish): no DISCONNECT
            // round trip is owed then, and waiting for one only measures how loaded the machine is.
            if (client.isConnected()) {
                try {
                    client.disconnect().waitForCompletion(5_000);
                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                    client.disconnectForcibly(0, 1_000, false);
                }
            }
            client.close(true);
        }
    }

    private static javax.net.ssl.SSLContext trusting(Path caPem) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (var cert : org.bwcdock.format.pki.PemFiles.readCertificates(caPem)) {
            ks.setCertificateEntry("ca-" + i++, cert);
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Trust for the broker's throwaway certificate by its key only (honoured only with a profile directory). */
    private static ChromeDriver chromium(Path profile, String spkiHash) {
        return Browsers.chromium(profile, "--ignore-certificate-errors-spki-list=" + spkiHash);
    }

    private static Object script(ChromeDriver browser, String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static String logs(ChromeDriver browser) {
        return Browsers.consoleLog(browser);
    }

    private static void save(ChromeDriver browser, Path file) throws java.io.IOException {
        Browsers.screenshot(browser, file);
    }

    private static void await(Supplier<Boolean> condition, int seconds, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            Thread.sleep(50); // poll
        }
    }
}
