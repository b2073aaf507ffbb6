package org.bwcdock.sandbox.mqtt;

import org.bwcdock.sandbox.AgencyPki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.CameraRecord;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.testing.Jvm;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's MQTT side against a real mosquitto with TLS client certificates and the agency ACL. */
@Timeout(120)
class MqttTelemetryTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TREE = "bwcdock/v1/docks/dock-a/";

    @TempDir
    Path dir;
    AgencyPki pki;
    Mosquitto broker;
    Path dockA;
    Path backoffice;
    Observer office;

    @BeforeEach
    void setUp() throws Exception {
        pki = new AgencyPki(dir.resolve("pki"));
        dockA = pki.client("dock-a");
        backoffice = pki.client("backoffice");
        pki.keygen("evidence");
        broker = new Mosquitto(Files.createDirectories(dir.resolve("broker")), pki);
        office = new Observer(broker.uri(), backoffice, pki.caCert(), "backoffice");
        office.subscribe("bwcdock/v1/#");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            everythingObservedMatchesTheApi();
        } finally {
            office.close();
            broker.close();
        }
    }

    /** Every payload any test saw on a described topic conforms to docs/mqtt-api.yaml. */
    private void everythingObservedMatchesTheApi() throws Exception {
        ApiSchemas api = new ApiSchemas();
        for (Observer.Seen s : office.all(x -> true)) {
            var problems = api.validate(s.topic(), s.payload());
            assertTrue(problems.isEmpty(), () -> s.topic() + " " + s.payload() + ": " + problems);
        }
    }

    private Path config() throws Exception {
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(dir.resolve(d));
        }
        return Files.writeString(dir.resolve("agent.toml"), """
                dockId = "dock-a"
                stateDirectory = "state"
                [identity]
                certificate = "%s"
                privateKey = "%s"
                [spool]
                directory = "state/spool"
                quota = "64 MiB"
                [usb]
                sysRoot = "sys"
                devRoot = "dev"
                simulatedVolumes = "cameras"
                [[bays]]
                number = 1
                usbPort = "1-1.1"
                [[bays]]
                number = 2
                usbPort = "1-1.2"
                [[cameraProfiles]]
                name = "c"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]
                [mqtt]
                brokers = ["%s"]
                trustAnchors = "%s"
                maxReconnectDelay = "2s"
                [evidence]
                url = "http://127.0.0.1:9/"
                recipients = ["%s"]
                receiptSigners = "%s"
                """.formatted(dockA.resolve("dock.crt"), dockA.resolve("dock.key"), broker.uri(), pki.caCert(),
                pki.keys().resolve("evidence.pem"), pki.caCert()));
    }

    private DockAgent agent() throws Exception {
        DockAgent a = DockAgent.create(ConfigLoader.load(config()), Clock.systemUTC());
        a.start();
        return a;
    }

    private static JsonNode json(Observer.Seen s) {
        try {
            return JSON.readTree(s.payload());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dockPublishesItsTree() throws Exception {
        try (DockAgent a = agent()) {
            var status = office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("\"online\""), 20_000);
            assertNotNull(status, "no online status");
            assertNotNull(office.await(s -> s.topic().equals(TREE + "birth"), 10_000), "no birth");
            assertNotNull(office.await(s -> s.topic().equals(TREE + "bays/2/state"), 10_000), "no bay state");
            assertNotNull(office.await(s -> s.topic().equals(TREE + "health"), 10_000), "no health");
            a.ledger().appendEvent(new DockEvent.CommandRejected("test-event", "a test"));
            var ev = office.await(s -> s.topic().equals(TREE + "events/command-rejected") && s.payload().contains("test-event"), 10_000);
            assertNotNull(ev, "no event");
            assertEquals(36, json(ev).get("eventId").asText().length());
            assertEquals("dock-a", json(status).get("dockId").asText());
        }
        var offline = office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("\"offline\""), 10_000);
        assertNotNull(offline, "a deliberate stop says offline");
    }

    @Test
    void aDockCannotPublishIntoAnotherDocksTree() throws Exception {
        Path dockB = pki.client("dock-b");
        try (Observer intruder = new Observer(broker.uri(), dockB, pki.caCert(), "dock-b")) {
            MqttMessage m = new MqttMessage("{\"state\":\"online\"}".getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            var t = intruder.publish(TREE + "status", m);
            int[] codes = t.getReasonCodes();
            assertTrue(codes != null && codes.length > 0 && codes[0] == 135, () -> "PUBACK reason " + java.util.Arrays.toString(codes));
            assertNull(office.await(s -> s.topic().equals(TREE + "status"), 1_500), "the intruder's message was delivered");
        }
    }

    @Test
    void killNineLeavesRetainedOfflineWithTheSameSession() throws Exception {
        Process agent = Jvm.fork(List.of("-Xmx128m"), AgentMain.class, "run", "--config", config().toString())
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            var online = office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("\"online\""), 30_000);
            assertNotNull(online, "agent never came online");
            String session = json(online).get("sessionId").asText();
            office.clear();
            agent.destroyForcibly().waitFor();
            var will = office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("\"offline\""), 60_000);
            assertNotNull(will, "no will after kill -9");
            assertEquals(session, json(will).get("sessionId").asText());
        } finally {
            Jvm.kill(agent);
        }
        // A late subscriber sees it retained.
        try (Observer late = new Observer(broker.uri(), backoffice, pki.caCert(), "backoffice-late")) {
            late.subscribe(TREE + "status");
            var retained = late.await(s -> s.retained(), 10_000);
            assertNotNull(retained);
            assertTrue(retained.payload().contains("\"offline\""), retained.payload());
        }
    }

    @Test
    void hundredEventsSurviveABrokerOutageAndAnAgentRestartInOrder() throws Exception {
        broker.stop();
        try (DockAgent a = agent()) {
            for (int i = 0; i < 100; i++) {
                a.ledger().appendEvent(new DockEvent.Undocked(1, "outage-" + i, "S" + i));
            }
        }
        // The back office is subscribed again before the second agent starts: QoS 1 events to a
        // clean session are not queued for a subscriber that is not there yet.
        broker.start();
        office.close();
        office = new Observer(broker.uri(), backoffice, pki.caCert(), "backoffice");
        office.subscribe(TREE + "events/#");
        try (DockAgent a = agent()) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (outage().size() < 100 && System.currentTimeMillis() < deadline) {
                office.await(s -> false, 200); // poll
            }
            List<Integer> order = outage().stream().map(s -> Integer.parseInt(json(s).get("cameraId").asText().substring(7)))
                    .distinct().toList();
            assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), order);
            assertEquals(0, a.ledger().pendingEvents(1000).stream().filter(e -> e.payloadJson().contains("outage-")).count());
        }
    }

    private List<Observer.Seen> outage() {
        return office.all(s -> s.topic().endsWith("/events/undocked") && s.payload().contains("\"outage-"));
    }

    /**
     * An event appended goes out at once, not at the publisher's next idle poll (500 ms): ten events,
     * each appended only when the back office has the one before, so each finds the publisher idle.
     * With the poll this takes about 5 s; with the wake-up a few tens of milliseconds.
     */
    @Test
    void anAppendedEventIsPublishedWithoutWaitingForAPoll() throws Exception {
        try (DockAgent a = agent()) {
            assertNotNull(office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("online"), 20_000));
            assertNotNull(office.await(s -> s.topic().equals(TREE + "health"), 10_000), "no health");
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                String marker = "round-" + i;
                a.ledger().appendEvent(new DockEvent.CommandRejected(marker, "latency test"));
                assertNotNull(office.await(s -> s.topic().equals(TREE + "events/command-rejected") && s.payload().contains(marker),
                        10_000), marker + " never arrived");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("ten event round trips (append → back office): " + millis + " ms");
            assertTrue(millis < 2_000, "ten appended events took " + millis + " ms to reach the back office: waiting for a poll");
        }
    }

    // ---- commands ------------------------------------------------------------------------------

    /** A JSON object payload gets the validity window every command needs; anything else is sent as it is. */
    static byte[] fresh(byte[] payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o && !o.has("issuedAt")) {
                java.time.Instant now = java.time.Instant.now();
                o.put("issuedAt", now.toString()).put("expiresAt", now.plusSeconds(60).toString());
                return JSON.writeValueAsBytes(o);
            }
        } catch (java.io.IOException notJson) {
            // sent as it is: the test is about the bad payload
        }
        return payload;
    }

    private JsonNode command(String name, byte[] payload, boolean withCorrelation) throws Exception {
        return command(name, payload, withCorrelation ? java.util.UUID.randomUUID().toString() : null, false);
    }

    /** Sends a command as the back office and waits for the reply with its correlation data (null: none expected). */
    private JsonNode command(String name, byte[] payload, String correlation, boolean retained) throws Exception {
        boolean withCorrelation = correlation != null;
        MqttMessage m = new MqttMessage(fresh(payload));
        m.setQos(1);
        m.setRetained(retained);
        MqttProperties p = new MqttProperties();
        String corr = withCorrelation ? correlation : java.util.UUID.randomUUID().toString();
        if (withCorrelation) {
            p.setResponseTopic(TREE + "cmdresp/backoffice");
            p.setCorrelationData(corr.getBytes(StandardCharsets.UTF_8));
        }
        m.setProperties(p);
        office.publish(TREE + "cmd/" + name, m);
        var reply = office.await(s -> s.topic().equals(TREE + "cmdresp/backoffice") && s.properties() != null
                && s.properties().getCorrelationData() != null
                && new String(s.properties().getCorrelationData(), StandardCharsets.UTF_8).equals(corr),
                withCorrelation && !retained && payload.length < 16 * 1024 ? 15_000 : 2_000);
        return reply == null ? null : json(reply);
    }

    private JsonNode command(String name, String payload) throws Exception {
        return command(name, payload.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void malformedCommandsAreRefusedPreciselyAndChangeNothing() throws Exception {
        try (DockAgent a = agent()) {
            assertNotNull(office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("online"), 20_000));
            a.ledger().recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
            Map<String, String[]> bad = new java.util.LinkedHashMap<>();
            bad.put("bad json", new String[] {"assign", "{not json", "bad-json"});
            bad.put("wrong types", new String[] {"assign", "{\"cameraId\": 7, \"officerId\": \"o-1\"}", "bad-field"});
            bad.put("unknown command", new String[] {"selfdestruct", "{}", "unknown-command"});
            bad.put("unknown bay", new String[] {"locate", "{\"bay\": 9, \"seconds\": 10}", "unknown-bay"});
            bad.put("unknown field", new String[] {"hold", "{\"cameraId\": \"BWC-1\", \"hold\": true, \"x\": 1}", "unknown-field"});
            bad.put("unknown camera", new String[] {"assign", "{\"cameraId\": \"BWC-9\", \"officerId\": \"o-1\"}", "unknown-camera"});
            for (var e : bad.entrySet()) {
                JsonNode r = command(e.getValue()[0], e.getValue()[1]);
                assertNotNull(r, e.getKey() + ": no reply");
                assertFalse(r.get("ok").asBoolean(), e.getKey() + ": " + r);
                assertEquals(e.getValue()[2], r.get("error").get("code").asText(), e.getKey() + ": " + r);
            }
            JsonNode big = command("assign", new byte[5000], true);
            assertEquals("too-large", big.get("error").get("code").asText());
            assertNull(command("assign", "{\"cameraId\": \"BWC-1\", \"officerId\": \"o-1\"}".getBytes(StandardCharsets.UTF_8), false),
                    "a command without correlation data cannot be answered");
            assertTrue(a.ledger().currentAssignment("BWC-1").isEmpty(), "a bad command changed nothing");
            assertFalse(a.ledger().camera("BWC-1").orElseThrow().legalHold());

            JsonNode ok = command("assign", "{\"cameraId\": \"BWC-1\", \"officerId\": \"officer-7\"}");
            assertTrue(ok.get("ok").asBoolean(), ok::toString);
            assertEquals("officer-7", a.ledger().currentAssignment("BWC-1").orElseThrow().officerId());
            assertTrue(command("hold", "{\"cameraId\": \"BWC-1\", \"hold\": true}").get("ok").asBoolean());
            assertTrue(a.ledger().camera("BWC-1").orElseThrow().legalHold());
            assertEquals("unknown-camera", command("prioritise", "{\"cameraId\": \"BWC-9\"}").get("error").get("code").asText());
            assertTrue(command("prioritise", "{\"cameraId\": \"BWC-1\"}").get("ok").asBoolean(), "prioritise reaches the uploader");
        }
    }

    @Test
    void aRetainedCommandNeverRunsBeforeOrAfterARestart() throws Exception {
        // Left retained at the broker before the dock ever connected (so no session queues it).
        assertNull(command("hold", "{\"cameraId\": \"BWC-1\", \"hold\": false}".getBytes(StandardCharsets.UTF_8),
                "retained-1", true), "nobody answers while the dock is away");
        for (int start = 1; start <= 2; start++) {
            var settings = ConfigLoader.load(config());
            if (start == 1) {
                Files.createDirectories(settings.stateDirectory());
                try (var ledger = org.bwcdock.agent.ledger.Ledgers.open(settings.ledgerFile(), Clock.systemUTC())) {
                    ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
                    ledger.setLegalHold("BWC-1", true, "test");
                }
            }
            office.clear();
            try (DockAgent a = agent()) {
                assertNotNull(office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("online"), 20_000));
                // Replies come in order: once this one is here, a retained delivery would have been answered too.
                JsonNode ok = command("locate", "{\"bay\": 1, \"seconds\": 1}");
                assertTrue(ok.get("ok").asBoolean(), "start " + start + ": " + ok);
                assertTrue(office.all(s -> s.topic().startsWith(TREE + "cmdresp/") && s.properties() != null
                        && s.properties().getCorrelationData() != null
                        && new String(s.properties().getCorrelationData(), StandardCharsets.UTF_8).equals("retained-1")).isEmpty(),
                        "start " + start + ": the retained hold-lift was answered");
                assertTrue(a.ledger().camera("BWC-1").orElseThrow().legalHold(), "start " + start + ": the hold stays");
            }
        }
    }

    @Test
    void replayedStaleAndOversizedCommandsAreRefusedAndTheAgentKeepsServing() throws Exception {
        try (DockAgent a = agent()) {
            assertNotNull(office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("online"), 20_000));
            a.ledger().recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
            byte[] assign = "{\"cameraId\": \"BWC-1\", \"officerId\": \"officer-7\"}".getBytes(StandardCharsets.UTF_8);
            byte[] once = fresh(assign);
            assertTrue(command("assign", once, "corr-1", false).get("ok").asBoolean());
            office.clear(); // the reply to come must be the replay's, not the first one's
            JsonNode replay = command("assign", once, "corr-1", false);
            assertEquals("replayed", replay.get("error").get("code").asText(), replay::toString);

            java.time.Instant old = java.time.Instant.now().minusSeconds(3600);
            String stale = "{\"cameraId\": \"BWC-1\", \"officerId\": \"officer-8\", \"issuedAt\": \"" + old
                    + "\", \"expiresAt\": \"" + old.plusSeconds(60) + "\"}";
            JsonNode r = command("assign", stale);
            assertEquals("stale", r.get("error").get("code").asText(), r::toString);
            String future = "{\"cameraId\": \"BWC-1\", \"officerId\": \"officer-8\", \"issuedAt\": \""
                    + java.time.Instant.now().plusSeconds(3600) + "\", \"expiresAt\": \"" + java.time.Instant.now().plusSeconds(3660) + "\"}";
            assertEquals("not-yet-valid", command("assign", future).get("error").get("code").asText());
            assertEquals("officer-7", a.ledger().currentAssignment("BWC-1").orElseThrow().officerId(), "refused commands changed nothing");

            // 1 MiB: over the packet size the agent announced, so the broker never delivers it.
            assertNull(command("assign", new byte[1 << 20], "corr-big", false), "no reply to a command the dock never received");
            JsonNode after = command("locate", "{\"bay\": 2, \"seconds\": 1}");
            assertTrue(after.get("ok").asBoolean(), "the agent still serves: " + after);
        }
    }

    /** A hold-lift as the back office would send it: the fields, signed with {@code certDir}'s certificate and key when given. */
    private static byte[] holdLift(String dockId, java.nio.file.Path cert, java.nio.file.Path key) throws Exception {
        java.time.Instant now = java.time.Instant.now();
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("cameraId", "BWC-1");
        fields.put("hold", false);
        fields.put("issuedAt", now.toString());
        fields.put("expiresAt", now.plusSeconds(60).toString());
        if (cert != null) {
            byte[] content = org.bwcdock.format.CommandSignatures.content(dockId, "hold", fields);
            byte[] cms = org.bwcdock.format.CommandSignatures.sign(content, org.bwcdock.format.pki.PemFiles.readPrivateKey(key),
                    org.bwcdock.format.pki.PemFiles.readCertificates(cert));
            fields.put("signature", java.util.Base64.getEncoder().encodeToString(cms));
        }
        return JSON.writeValueAsBytes(fields);
    }

    @Test
    void liftingALegalHoldTakesTheBackOfficesSignature() throws Exception {
        java.nio.file.Path keys = pki.keygen("office", "--purpose", "back-office");
        try (DockAgent a = agent()) {
            assertNotNull(office.await(s -> s.topic().equals(TREE + "status") && s.payload().contains("online"), 20_000));
            a.ledger().recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "S1", false));
            a.ledger().setLegalHold("BWC-1", true, "test");

            JsonNode unsigned = command("hold", holdLift("dock-a", null, null), true);
            assertEquals("signature-required", unsigned.get("error").get("code").asText(), unsigned::toString);
            JsonNode byADock = command("hold", holdLift("dock-a", dockA.resolve("dock.crt"), dockA.resolve("dock.key")), true);
            assertEquals("bad-signature", byADock.get("error").get("code").asText(), byADock::toString);
            assertTrue(byADock.get("error").get("message").asText().contains("back office"), byADock::toString);
            JsonNode forAnotherDock = command("hold", holdLift("dock-b", keys.resolve("office.pem"), keys.resolve("office.key")), true);
            assertEquals("bad-signature", forAnotherDock.get("error").get("code").asText(), "a signature for dock-b: " + forAnotherDock);
            assertTrue(a.ledger().camera("BWC-1").orElseThrow().legalHold(), "no refused command lifted the hold");

            JsonNode signed = command("hold", holdLift("dock-a", keys.resolve("office.pem"), keys.resolve("office.key")), true);
            assertTrue(signed.get("ok").asBoolean(), signed::toString);
            assertFalse(a.ledger().camera("BWC-1").orElseThrow().legalHold(), "the back office lifted the hold");
        }
    }
}
