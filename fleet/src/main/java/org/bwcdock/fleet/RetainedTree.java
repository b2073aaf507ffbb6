package org.bwcdock.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retained messages under {@code bwcdock/v1/docks/}, topic → payload, as a late subscriber
 * receives them. Recorded as one JSON object (topic → payload object) so that a supervisor's
 * morning report can be reproduced, and tests have trees with known answers.
 */
public final class RetainedTree {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Payloads that are not JSON objects are kept as text: the report counts them, nothing breaks. */
    private final Map<String, JsonNode> messages;

    public RetainedTree(Map<String, JsonNode> messages) {
        this.messages = Collections.unmodifiableMap(new TreeMap<>(messages));
    }

    /** Parses one payload; anything but a JSON object becomes a text node holding the raw bytes. */
    static JsonNode payload(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n != null && n.isObject() ? n : JSON.getNodeFactory().textNode(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    public static RetainedTree read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected one JSON object of topic → payload");
        }
        Map<String, JsonNode> m = new TreeMap<>();
        root.properties().forEach(e -> m.put(e.getKey(), e.getValue().isTextual() ? payload(e.getValue().asText()) : e.getValue()));
        return new RetainedTree(m);
    }

    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        messages.forEach(root::set);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    public Map<String, JsonNode> messages() {
        return messages;
    }
}
