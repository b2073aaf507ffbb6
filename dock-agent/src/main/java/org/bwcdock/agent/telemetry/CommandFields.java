package org.bwcdock.agent.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

import org.bwcdock.format.SafeText;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A command payload's fields, read one by one with their checks. It remembers what was read, so
 * that whatever a command does not read is refused as an unknown field.
 */
final class CommandFields {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final JsonNode body;
    private final Set<Integer> bays;
    private final Set<String> read = new HashSet<>();

    CommandFields(JsonNode body, Set<Integer> bays) {
        this.body = body;
        this.bays = bays;
    }

    /** A refusal before anything is done; {@code code} is the reply's machine-readable code. */
    static final class Invalid extends Exception {
        final String code;

        Invalid(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private JsonNode get(String field) {
        read.add(field);
        return body.get(field);
    }

    String id(String field) throws Invalid {
        JsonNode v = get(field);
        if (v == null || !v.isTextual()) {
            throw new Invalid("bad-field", field + " must be a string");
        }
        if (!ID.matcher(v.textValue()).matches()) {
            throw new Invalid("bad-field", field + " \"" + SafeText.escape(v.textValue()) + "\" is not an id (letters, digits, '.', '_', '-')");
        }
        return v.textValue();
    }

    long integer(String field, long min, long max) throws Invalid {
        JsonNode v = get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new Invalid("bad-field", field + " must be an integer");
        }
        if (v.longValue() < min || v.longValue() > max) {
            throw new Invalid("bad-field", field + " " + v.longValue() + " is out of range " + min + ".." + max);
        }
        return v.longValue();
    }

    boolean bool(String field) throws Invalid {
        JsonNode v = get(field);
        if (v == null || !v.isBoolean()) {
            throw new Invalid("bad-field", field + " must be true or false");
        }
        return v.booleanValue();
    }

    int bay(String field) throws Invalid {
        int b = (int) integer(field, 1, 64);
        if (!bays.contains(b)) {
            throw new Invalid("unknown-bay", "this dock has no bay " + b + " (bays: " + new TreeSet<>(bays) + ")");
        }
        return b;
    }

    Instant instant(String field) throws Invalid {
        JsonNode v = get(field);
        if (v == null || !v.isTextual()) {
            throw new Invalid("bad-field", field + " must be an ISO-8601 instant, e.g. 2026-12-04T10:00:00Z");
        }
        try {
            return Instant.parse(v.textValue());
        } catch (DateTimeParseException e) {
            throw new Invalid("bad-field", field + " \"" + SafeText.escape(v.textValue()) + "\" is not an ISO-8601 instant");
        }
    }

    /** A string field that may be absent. */
    java.util.Optional<String> optionalText(String field) throws Invalid {
        JsonNode v = get(field);
        if (v == null) {
            return java.util.Optional.empty();
        }
        if (!v.isTextual()) {
            throw new Invalid("bad-field", field + " must be a string");
        }
        return java.util.Optional.of(v.textValue());
    }

    /** Every field's value (strings, integers, booleans: what commands carry), for the signed content. */
    java.util.Map<String, Object> values() throws Invalid {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Iterator<java.util.Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            Object value = v.isTextual() ? v.textValue() : v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue()
                    : v.isBoolean() ? (Object) v.booleanValue() : v.isNull() ? null : INVALID;
            if (value == INVALID) {
                throw new Invalid("bad-field", SafeText.escape(e.getKey()) + " must be a string, an integer or a boolean");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static final Object INVALID = new Object();

    /** After a command read its fields: anything else in the payload but {@code envelope} is refused. */
    void noOthers(String command, String... envelope) throws Invalid {
        read.addAll(java.util.List.of(envelope));
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f)) {
                throw new Invalid("unknown-field", "field \"" + SafeText.escape(f) + "\" is not part of " + command
                        + " (allowed: " + new TreeSet<>(read) + ")");
            }
        }
    }
}
