package org.bwcdock.sandbox.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.file.Path;
import java.util.Set;

/** The payload schemas of docs/mqtt-api.yaml, to check what the dock really publishes. */
final class ApiSchemas {
    static final Path API = Path.of("..", "docs", "mqtt-api.yaml");
    private final JsonNode document;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final ObjectMapper json = new ObjectMapper();

    ApiSchemas() throws Exception {
        document = new ObjectMapper(new YAMLFactory()).readTree(API.toFile());
    }

    /** The whole document, for the tests that hold the code's lists against it. */
    JsonNode document() {
        return document;
    }

    /**
     * The schema for a topic of the dock tree (a JSON pointer into the document), or null for topics
     * the API does not describe. An event's schema is its type's message payload; an event type the
     * document does not have fails at once.
     */
    String schemaFor(String topic) {
        String rest = topic.replaceFirst("^bwcdock/v1/docks/[^/]+/", "");
        if (rest.equals("status")) {
            return "#/components/schemas/Status";
        } else if (rest.equals("birth")) {
            return "#/components/schemas/Birth";
        } else if (rest.equals("health")) {
            return "#/components/schemas/Health";
        } else if (rest.matches("bays/\\d+/state")) {
            return "#/components/schemas/BayState";
        } else if (rest.startsWith("events/")) {
            String type = rest.substring("events/".length());
            if (!document.path("components").path("messages").path(type).has("payload")) {
                throw new AssertionError("events/" + type + ": no such event type in " + API);
            }
            return "#/components/messages/" + type + "/payload";
        } else if (rest.startsWith("cmdresp/")) {
            return "#/components/schemas/Reply";
        }
        return null;
    }

    /** Problems of this payload against its topic's schema; empty when it conforms. */
    Set<ValidationMessage> validate(String topic, String payload) throws Exception {
        String name = schemaFor(topic);
        if (name == null) {
            return Set.of();
        }
        // The document's components as the root, so that the schemas' own $refs resolve.
        ObjectNode schema = json.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", name);
        schema.set("components", document.path("components").deepCopy());
        JsonSchema s = factory.getSchema(schema);
        return s.validate(json.readTree(payload));
    }
}
