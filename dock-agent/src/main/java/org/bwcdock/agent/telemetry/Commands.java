package org.bwcdock.agent.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a command strictly (size, JSON, fields and types, unknown fields rejected) and runs
 * it through the {@link CommandHandler}; returns the reply. A command that fails validation
 * never reaches the handler.
 */
final class Commands {
    static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "assign", Set.of("cameraId", "officerId"),
            "unassign", Set.of("cameraId"),
            "locate", Set.of("bay", "seconds"),
            "pause", Set.of(),
            "resume", Set.of(),
            "bandwidth", Set.of("bytesPerSecond"),
            "rescan", Set.of(),
            "hold", Set.of("cameraId", "hold"));

    private final CommandHandler handler;
    private final Set<Integer> bays;

    Commands(CommandHandler handler, Set<Integer> bays) {
        this.handler = handler;
        this.bays = Set.copyOf(bays);
    }

    /** A refusal before anything is done. */
    static final class Invalid extends Exception {
        final String code;

        Invalid(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** Runs the command; the reply JSON either way. */
    String execute(String name, byte[] payload) {
        try {
            JsonNode body = parse(name, payload);
            switch (name) {
                case "assign" -> handler.assign(id(body, "cameraId"), id(body, "officerId"));
                case "unassign" -> handler.unassign(id(body, "cameraId"));
                case "locate" -> handler.locate(bay(body), (int) integer(body, "seconds", 1, 600));
                case "pause" -> handler.pauseUploads();
                case "resume" -> handler.resumeUploads();
                case "bandwidth" -> handler.bandwidth(integer(body, "bytesPerSecond", 0, 10_000_000_000L));
                case "rescan" -> handler.rescan();
                case "hold" -> handler.hold(id(body, "cameraId"), bool(body, "hold"));
                default -> throw new Invalid("unknown-command", "unknown command " + name);
            }
            return JSON.createObjectNode().put("ok", true).put("command", name).toString();
        } catch (Invalid e) {
            return error(name, e.code, e.getMessage());
        } catch (CommandException e) {
            return error(name, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            return error(name, "failed", "the dock could not carry out " + name + ": " + e.getMessage());
        }
    }

    static String error(String name, String code, String message) {
        ObjectNode r = JSON.createObjectNode().put("ok", false).put("command", name);
        r.putObject("error").put("code", code).put("message", message);
        return r.toString();
    }

    private JsonNode parse(String name, byte[] payload) throws Invalid {
        if (!FIELDS.containsKey(name)) {
            throw new Invalid("unknown-command", "unknown command \"" + name + "\" (known: " + String.join(", ", new java.util.TreeSet<>(FIELDS.keySet())) + ")");
        }
        if (payload.length > MAX_BYTES) {
            throw new Invalid("too-large", "payload of " + payload.length + " bytes is over the limit of " + MAX_BYTES);
        }
        JsonNode body;
        try {
            body = payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid("bad-json", "payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid("bad-json", "payload is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new Invalid("bad-json", "payload must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.get(name).contains(f)) {
                throw new Invalid("unknown-field", "field \"" + f + "\" is not part of " + name + " (allowed: " + FIELDS.get(name) + ")");
            }
        }
        return body;
    }

    private static String id(JsonNode body, String field) throws Invalid {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) {
            throw new Invalid("bad-field", field + " must be a string");
        }
        if (!ID.matcher(v.textValue()).matches()) {
            throw new Invalid("bad-field", field + " \"" + v.textValue() + "\" is not an id (letters, digits, '.', '_', '-')");
        }
        return v.textValue();
    }

    private static long integer(JsonNode body, String field, long min, long max) throws Invalid {
        JsonNode v = body.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new Invalid("bad-field", field + " must be an integer");
        }
        if (v.longValue() < min || v.longValue() > max) {
            throw new Invalid("bad-field", field + " " + v.longValue() + " is out of range " + min + ".." + max);
        }
        return v.longValue();
    }

    private static boolean bool(JsonNode body, String field) throws Invalid {
        JsonNode v = body.get(field);
        if (v == null || !v.isBoolean()) {
            throw new Invalid("bad-field", field + " must be true or false");
        }
        return v.booleanValue();
    }

    private int bay(JsonNode body) throws Invalid {
        int b = (int) integer(body, "bay", 1, 64);
        if (!bays.contains(b)) {
            throw new Invalid("unknown-bay", "this dock has no bay " + b + " (bays: " + new java.util.TreeSet<>(bays) + ")");
        }
        return b;
    }
}
