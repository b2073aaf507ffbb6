package org.bwcdock.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One TOML table being read: typed accessors that record a problem (named by key path) instead of
 * throwing, so that the loader can report every problem at once. Remembers which keys were asked
 * for, so that {@link #rejectUnknownKeys()} can name the ones nobody knows.
 */
final class Table {
    private final ObjectNode node;
    private String path;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    Table(ObjectNode node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String keyPath(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * From now on this table (and tables read from it) is called {@code newPath}: an entry of
     * {@code [[bays]]} is named by its bay number once that is known.
     */
    void nameAs(String newPath) {
        this.path = newPath;
    }

    String path() {
        return path;
    }

    void problem(String name, String message) {
        problems.add(keyPath(name) + ": " + message);
    }

    boolean has(String name) {
        known.add(name);
        return node.has(name);
    }

    Optional<String> string(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            problem(name, "must be a string, not " + describe(v));
            return Optional.empty();
        }
        return Optional.of(v.textValue());
    }

    /** A required string: records "missing" and returns empty when absent. */
    Optional<String> requiredString(String name) {
        if (!has(name)) {
            problem(name, "missing (required)");
        }
        return string(name);
    }

    Optional<Long> integer(String name, long min, long max) {
        JsonNode v = get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problem(name, "must be an integer, not " + describe(v));
            return Optional.empty();
        }
        long n = v.longValue();
        if (n < min || n > max) {
            problem(name, n + " is out of range " + min + ".." + max);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    Optional<Long> requiredInteger(String name, long min, long max) {
        if (!has(name)) {
            problem(name, "missing (required)");
        }
        return integer(name, min, max);
    }

    Optional<Boolean> bool(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            problem(name, "must be true or false, not " + describe(v));
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }

    /** An array of strings; empty when absent, and empty (with a problem) when any element is not a string. */
    List<String> strings(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            problem(name, "must be an array of strings, not " + describe(v));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                problems.add(entry(keyPath(name), i) + ": must be a string, not " + describe(e));
                return List.of();
            }
            out.add(e.textValue());
        }
        return out;
    }

    Optional<Table> table(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            problem(name, "must be a table, not " + describe(v));
            return Optional.empty();
        }
        return Optional.of(new Table((ObjectNode) v, keyPath(name), problems));
    }

    /**
     * An array of tables ({@code [[name]]}); elements are named by position, {@code name[entry 1]}
     * for the first, until the caller names them by their key ({@link #nameAs}).
     */
    List<Table> tables(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            problem(name, "must be an array of tables ([[" + name + "]]), not " + describe(v));
            return List.of();
        }
        List<Table> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = entry(keyPath(name), i);
            if (!e.isObject()) {
                problems.add(p + ": must be a table, not " + describe(e));
                continue;
            }
            out.add(new Table((ObjectNode) e, p, problems));
        }
        return out;
    }

    /** The name of element {@code index} (from 0) of an array: by position, counting from 1 as people do. */
    static String entry(String arrayPath, int index) {
        return arrayPath + "[entry " + (index + 1) + "]";
    }

    /** Every key of this table, for free-form maps such as {@code [badges]}. */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        known.addAll(out);
        return out;
    }

    void rejectUnknownKeys() {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problem(name, "unknown key (known here: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        });
    }

    private JsonNode get(String name) {
        known.add(name);
        return node.get(name);
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "the string \"" + v.textValue() + "\"";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "a table";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
