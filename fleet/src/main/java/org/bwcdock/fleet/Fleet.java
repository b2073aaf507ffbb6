package org.bwcdock.fleet;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet as its retained tree describes it (docs/mqtt-api.yaml): each dock's status, birth,
 * health and bay states, and the cameras its health lists. Fields are read one by one, so fields a
 * newer agent adds are ignored and a missing one is "not reported" ({@code null}), never an error.
 */
public final class Fleet {
    private static final Pattern TOPIC = Pattern.compile("bwcdock/v1/docks/([^/]+)/(status|birth|health|bays/(\\d{1,2})/state)");

    /** One dock. {@code status}, {@code birth} and {@code health} are missing nodes when the dock never published them. */
    public record Dock(String id, JsonNode status, JsonNode birth, JsonNode health, Map<Integer, JsonNode> bays) {
        public String state() {
            return text(status, "state").orElse("unknown");
        }

        public Optional<Instant> lastSeen() {
            List<JsonNode> all = new ArrayList<>(List.of(status, birth, health));
            all.addAll(bays.values());
            return all.stream().map(n -> instant(n, "at")).flatMap(Optional::stream).max(Instant::compareTo);
        }

        /** Spool use in percent of the quota, when the health says both. */
        public Optional<Integer> spoolPercent() {
            long used = health.path("spoolUsedBytes").asLong(-1);
            long quota = health.path("spoolQuotaBytes").asLong(-1);
            return used >= 0 && quota > 0 ? Optional.of((int) Math.round(used * 100.0 / quota)) : Optional.empty();
        }
    }

    /**
     * One camera as the docks report it.
     *
     * @param bay the bay it sits in now, or empty when it is out of the dock
     * @param filesWaiting files on the dock without a receipt; empty when not reported
     */
    public record Camera(String id, String dockId, Optional<Integer> bay, Optional<String> officer, Optional<Instant> lastDocked,
                         Optional<Integer> filesWaiting, Optional<Instant> oldestUnreceipted, int quarantined) {
    }

    private final Map<String, Dock> docks;
    private final int malformed;

    private Fleet(Map<String, Dock> docks, int malformed) {
        this.docks = docks;
        this.malformed = malformed;
    }

    public static Fleet of(RetainedTree tree) {
        Map<String, Map<String, JsonNode>> parts = new TreeMap<>();
        Map<String, Map<Integer, JsonNode>> bays = new TreeMap<>();
        int malformed = 0;
        for (Map.Entry<String, JsonNode> e : tree.messages().entrySet()) {
            Matcher m = TOPIC.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            if (!e.getValue().isObject()) {
                malformed++;
                continue;
            }
            String dock = m.group(1);
            parts.computeIfAbsent(dock, d -> new LinkedHashMap<>());
            if (m.group(3) != null) {
                bays.computeIfAbsent(dock, d -> new TreeMap<>()).put(Integer.parseInt(m.group(3)), e.getValue());
            } else {
                parts.get(dock).put(m.group(2), e.getValue());
            }
        }
        Map<String, Dock> docks = new TreeMap<>();
        parts.forEach((id, p) -> docks.put(id, new Dock(id, p.getOrDefault("status", JsonNodes.EMPTY), p.getOrDefault("birth", JsonNodes.EMPTY),
                p.getOrDefault("health", JsonNodes.EMPTY), Collections.unmodifiableMap(bays.getOrDefault(id, Map.of())))));
        return new Fleet(Collections.unmodifiableMap(docks), malformed);
    }

    public List<Dock> docks() {
        return List.copyOf(docks.values());
    }

    /** Retained payloads under a dock topic that were not JSON objects. */
    public int malformed() {
        return malformed;
    }

    /**
     * Every camera: those a dock's health lists, and those sitting in a bay that the health does
     * not (yet) list. A camera several docks list is reported by the dock that saw it last.
     */
    public List<Camera> cameras() {
        Map<String, Camera> cameras = new TreeMap<>();
        for (Dock d : docks.values()) {
            Map<String, Integer> inBay = new LinkedHashMap<>();
            Map<String, String> officers = new LinkedHashMap<>();
            d.bays().forEach((n, b) -> text(b, "cameraId").ifPresent(c -> {
                inBay.put(c, n);
                text(b, "officerId").ifPresent(o -> officers.put(c, o));
            }));
            for (JsonNode c : d.health().path("cameras")) {
                Optional<String> id = text(c, "cameraId");
                if (id.isEmpty()) {
                    continue;
                }
                Optional<Integer> bay = c.path("bay").canConvertToInt() ? Optional.of(c.path("bay").asInt()) : Optional.ofNullable(inBay.get(id.get()));
                Optional<Integer> waiting = c.path("filesWaiting").canConvertToInt() ? Optional.of(c.path("filesWaiting").asInt()) : Optional.empty();
                Optional<Instant> oldest = instant(c, "oldestUnreceiptedAt");
                // Health comes every 30 s, bay states at once: a bay that turned safe since says nothing waits.
                JsonNode b = inBay.containsKey(id.get()) ? d.bays().get(inBay.get(id.get())) : JsonNodes.EMPTY;
                if (b.path("phase").asText().equals("safe")
                        && instant(b, "at").orElse(Instant.MIN).isAfter(instant(d.health(), "at").orElse(Instant.MAX))) {
                    waiting = Optional.of(0);
                    oldest = Optional.empty();
                }
                merge(cameras, new Camera(id.get(), d.id(), bay, Optional.ofNullable(officers.get(id.get())), instant(c, "lastDockedAt"),
                        waiting, oldest, c.path("quarantined").asInt(0)));
                inBay.remove(id.get());
            }
            inBay.forEach((id, n) -> {
                JsonNode b = d.bays().get(n);
                // Not in the health's list: all the bay says is whether its files are done ("safe").
                Optional<Integer> waiting = "safe".equals(b.path("phase").asText()) ? Optional.of(0) : Optional.empty();
                merge(cameras, new Camera(id, d.id(), Optional.of(n), Optional.ofNullable(officers.get(id)), Optional.empty(), waiting,
                        Optional.empty(), 0));
            });
        }
        return List.copyOf(cameras.values());
    }

    private static void merge(Map<String, Camera> cameras, Camera c) {
        cameras.merge(c.id(), c, (a, b) -> {
            if (a.bay().isPresent() != b.bay().isPresent()) {
                return a.bay().isPresent() ? a : b; // where it sits now wins
            }
            return a.lastDocked().orElse(Instant.MIN).isAfter(b.lastDocked().orElse(Instant.MIN)) ? a : b;
        });
    }

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    static Optional<Instant> instant(JsonNode n, String field) {
        try {
            return text(n, field).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
