package org.bwcdock.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Strict reading of the contracts' JSON: every field present and of its type, or a message naming it. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final String document;

    private Json(String document) {
        this.document = document;
    }

    static JsonNode parse(byte[] bytes, String document) throws FormatException {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new FormatException(document + " is not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new FormatException(document + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FormatException(document + " is not JSON: " + e.getMessage());
        }
    }

    static Json of(String document) {
        return new Json(document);
    }

    private JsonNode field(JsonNode o, String name) throws FormatException {
        JsonNode v = o.get(name);
        if (v == null || v.isMissingNode()) {
            throw new FormatException(document + ": " + name + " is missing");
        }
        return v;
    }

    String text(JsonNode o, String name) throws FormatException {
        JsonNode v = field(o, name);
        if (!v.isTextual()) {
            throw new FormatException(document + ": " + name + " must be a string");
        }
        return v.asText();
    }

    /** A string, or null where the JSON says null. */
    String textOrNull(JsonNode o, String name) throws FormatException {
        return field(o, name).isNull() ? null : text(o, name);
    }

    long integer(JsonNode o, String name, long min) throws FormatException {
        JsonNode v = field(o, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
            throw new FormatException(document + ": " + name + " must be an integer of at least " + min);
        }
        return v.asLong();
    }

    /** An integer (any sign), or null where the JSON says null. */
    Long integerOrNull(JsonNode o, String name) throws FormatException {
        JsonNode v = field(o, name);
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new FormatException(document + ": " + name + " must be an integer or null");
        }
        return v.asLong();
    }

    boolean bool(JsonNode o, String name) throws FormatException {
        JsonNode v = field(o, name);
        if (!v.isBoolean()) {
            throw new FormatException(document + ": " + name + " must be true or false");
        }
        return v.asBoolean();
    }

    String sha256(JsonNode o, String name) throws FormatException {
        String s = text(o, name);
        if (!SHA256.matcher(s).matches()) {
            throw new FormatException(document + ": " + name + " is not a SHA-256 in lowercase hex");
        }
        return s;
    }

    Instant instant(JsonNode o, String name) throws FormatException {
        try {
            return Instant.parse(text(o, name));
        } catch (DateTimeParseException e) {
            throw new FormatException(document + ": " + name + " is not an ISO-8601 instant");
        }
    }

    byte[] hex(JsonNode o, String name) throws FormatException {
        try {
            return HexFormat.of().parseHex(text(o, name));
        } catch (IllegalArgumentException e) {
            throw new FormatException(document + ": " + name + " is not hex");
        }
    }

    JsonNode object(JsonNode o, String name) throws FormatException {
        JsonNode v = field(o, name);
        if (!v.isObject()) {
            throw new FormatException(document + ": " + name + " must be an object");
        }
        return v;
    }

    JsonNode array(JsonNode o, String name) throws FormatException {
        JsonNode v = field(o, name);
        if (!v.isArray()) {
            throw new FormatException(document + ": " + name + " must be an array");
        }
        return v;
    }
}
