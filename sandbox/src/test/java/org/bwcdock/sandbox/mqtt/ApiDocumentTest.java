package org.bwcdock.sandbox.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bwcdock.agent.events.BayPhase;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.events.EventClass;
import org.bwcdock.agent.events.EventJson;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/mqtt-api.yaml is a valid AsyncAPI 3 document (npm @asyncapi/parser), and it describes exactly
 * what the code can publish: every event type (with its class and fields) and every bay phase, in
 * both directions.
 */
@Timeout(120)
class ApiDocumentTest {
    static final Path CHECK = Path.of("..", "docs", "asyncapi-check");

    @Test
    void asyncApiDocumentValidates() throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules/@asyncapi/parser"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("npm packages missing: .ci/run must run 'npm ci' in docs/asyncapi-check");
            }
            Assumptions.abort("run 'npm ci' in docs/asyncapi-check");
        }
        Process p = new ProcessBuilder("node", "check.mjs", "../mqtt-api.yaml").directory(CHECK.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void everyEventTypeTheCodeHasIsDocumentedAndEveryDocumentedOneExists() throws Exception {
        ApiSchemas api = new ApiSchemas();
        JsonNode doc = api.document();
        Map<String, DockEvent> code = new TreeMap<>();
        for (DockEvent e : samples()) {
            DockEvent before = code.put(e.type(), e);
            assertTrue(before == null, () -> "two records publish type " + e.type() + ": " + before.getClass() + ", " + e.getClass());
        }
        JsonNode events = doc.path("channels").path("events");
        assertEquals(code.keySet(), names(events.path("messages").fieldNames()), "events channel messages vs DockEvent records");
        assertEquals(code.keySet(), values(events.path("parameters").path("type").path("enum")), "events/{type} enum vs DockEvent records");
        assertEquals(code.keySet(), values(doc.path("components").path("schemas").path("Event").path("properties").path("type").path("enum")),
                "Event.type enum vs DockEvent records");

        for (DockEvent e : code.values()) {
            JsonNode message = doc.path("components").path("messages").path(e.type());
            assertEquals(e.eventClass().name().toLowerCase(Locale.ROOT), message.path("x-event-class").asText(),
                    e.type() + ": x-event-class (evidence is never dropped, operational may be)");
            // The record's fields are exactly the documented ones (besides the envelope's).
            JsonNode own = ownSchema(doc, message);
            Set<String> documented = names(own.path("properties").fieldNames());
            documented.remove("type");
            Set<String> fields = Arrays.stream(e.getClass().getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(documented, fields, e.type() + ": documented fields vs record components");
            // And what the publisher sends for it validates.
            ObjectNode payload = EventJson.payload(e);
            payload.put("eventId", UUID.randomUUID().toString()).put("sequence", 1).put("type", e.type()).put("dockId", "dock-a");
            String topic = "bwcdock/v1/docks/dock-a/events/" + e.type();
            var problems = api.validate(topic, payload.toString());
            assertTrue(problems.isEmpty(), () -> topic + " " + payload + ": " + problems);
        }
        assertTrue(code.values().stream().anyMatch(e -> e.eventClass() == EventClass.OPERATIONAL));
    }

    @Test
    void wipedFilesAreAJsonArray() {
        JsonNode p = EventJson.payload(new DockEvent.Wiped(1, "BWC-1", List.of("DCIM/100/A.MP4", "DCIM/100/B.MP4")));
        assertTrue(p.get("files").isArray(), p.toString());
        assertEquals(2, p.get("files").size());
    }

    @Test
    void everyBayPhaseIsDocumentedAndEveryDocumentedOneExists() throws Exception {
        JsonNode phase = new ApiSchemas().document().path("components").path("schemas").path("BayState").path("properties").path("phase");
        Set<String> code = Arrays.stream(BayPhase.values()).map(BayPhase::wireName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(code, values(phase.path("enum")), "BayState.phase enum vs BayPhase");
    }

    /** The event type's own part of its payload schema (the one beside the shared envelope). */
    private static JsonNode ownSchema(JsonNode doc, JsonNode message) {
        String ref = message.path("payload").path("$ref").asText();
        JsonNode schema = doc.at(ref.substring(1));
        for (JsonNode part : schema.path("allOf")) {
            if (part.has("properties")) {
                return part;
            }
        }
        return schema;
    }

    /** One instance of every event record, with field values the schemas accept. */
    static List<DockEvent> samples() throws Exception {
        List<DockEvent> out = new ArrayList<>();
        collect(DockEvent.class, out);
        return out;
    }

    private static void collect(Class<?> type, List<DockEvent> out) throws Exception {
        if (type.isRecord()) {
            RecordComponent[] parts = type.getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                args[i] = sample(parts[i].getName(), types[i]);
            }
            out.add((DockEvent) type.getDeclaredConstructor(types).newInstance(args));
            return;
        }
        for (Class<?> sub : type.getPermittedSubclasses()) {
            collect(sub, out);
        }
    }

    private static Object sample(String name, Class<?> type) {
        return switch (name) {
            case "from" -> "INGESTING";
            case "to" -> "INGESTED";
            case "stage" -> "dock";
            case "source" -> "file-times";
            case "badgeFingerprint" -> "0123456789abcdef";
            case "minimumBatteryPercent" -> 50;
            default -> type == int.class ? 1 : type == long.class ? 1L : type == boolean.class ? true
                    : type == Instant.class ? Instant.now() : type == List.class ? List.of("DCIM/100/VID0001.MP4")
                    : type == String.class ? name + "-1" : unsupported(name, type);
        };
    }

    private static Object unsupported(String name, Class<?> type) {
        throw new AssertionError("no sample value for " + name + " of type " + type + ": add one here");
    }

    private static Set<String> names(java.util.Iterator<String> it) {
        Set<String> out = new TreeSet<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static Set<String> values(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).collect(Collectors.toCollection(TreeSet::new));
    }
}
