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
    private final JsonNode schemas;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final ObjectMapper json = new ObjectMapper();

    ApiSchemas() throws Exception {
        schemas = new ObjectMapper(new YAMLFactory()).readTree(API.toFile()).path("components").path("schemas");
    }

    /** The schema for a topic of the dock tree, or null for topics the API does not describe. */
    String schemaFor(String topic) {
        String rest = topic.replaceFirst("^bwcdock/v1/docks/[^/]+/", "");
        if (rest.equals("status")) {
            return "Status";
        } else if (rest.equals("birth")) {
            return "Birth";
        } else if (rest.equals("health")) {
            return "Health";
        } else if (rest.matches("bays/\\d+/state")) {
            return "BayState";
        } else if (rest.startsWith("events/")) {
            return "Event";
        } else if (rest.startsWith("cmdresp/")) {
            return "Reply";
        }
        return null;
    }

    /** Problems of this payload against its topic's schema; empty when it conforms. */
    Set<ValidationMessage> validate(String topic, String payload) throws Exception {
        String name = schemaFor(topic);
        if (name == null) {
            return Set.of();
        }
        ObjectNode schema = (ObjectNode) schemas.path(name).deepCopy();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        JsonSchema s = factory.getSchema(schema);
        return s.validate(json.readTree(payload));
    }
}
