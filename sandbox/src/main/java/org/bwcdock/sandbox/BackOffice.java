package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's back office: subscribes to the dock's tree like a fleet dashboard would, with a
 * persistent session so that events published while it is away (a broker restart) still reach it.
 */
public final class BackOffice implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BAY_STATE = Pattern.compile(".*/bays/(\\d+)/state");
    private final MqttAsyncClient client;
    private final AtomicLong messages = new AtomicLong();
    private final Map<Integer, JsonNode> bays = new TreeMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private volatile java.time.Instant firstOnline;
    private final String dockId;
    /** Replies to our commands, by correlation id. */
    private final Map<String, JsonNode> replies = new java.util.HashMap<>();
    private final AtomicLong correlation = new AtomicLong();

    private BackOffice(MqttAsyncClient client, String dockId) {
        this.client = client;
        this.dockId = dockId;
    }

    static BackOffice connect(String uri, String dockId) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, "sandbox-backoffice", new MemoryPersistence());
        BackOffice office = new BackOffice(c, dockId);
        c.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                office.arrived(topic, m);
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false); // on reconnects too: events queued while away are delivered
        o.setSessionExpiryInterval(3600L);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 2);
        c.connect(o).waitForCompletion(10_000);
        c.subscribe("bwcdock/v1/docks/" + dockId + "/#", 1).waitForCompletion(10_000);
        return office;
    }

    private void arrived(String topic, MqttMessage m) {
        messages.incrementAndGet();
        JsonNode payload;
        try {
            payload = JSON.readTree(new String(m.getPayload(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return; // not ours to judge here; the API tests check every payload against the schema
        }
        Matcher bay = BAY_STATE.matcher(topic);
        synchronized (this) {
            if (firstOnline == null && topic.endsWith("/status") && payload.path("state").asText().equals("online")) {
                firstOnline = java.time.Instant.now();
            }
            byte[] corr = m.getProperties() == null ? null : m.getProperties().getCorrelationData();
            if (topic.contains("/cmdresp/") && corr != null) {
                replies.put(new String(corr, StandardCharsets.UTF_8), payload);
                notifyAll();
            } else if (bay.matches()) {
                bays.put(Integer.parseInt(bay.group(1)), payload);
            } else if (topic.contains("/events/")) {
                events.add(payload);
            }
        }
    }

    /**
     * Sends a command as the back office would (fields plus a one-minute validity window, a response
     * topic and a fresh correlation id) and returns the dock's reply, or fails after {@code wait}.
     */
    public JsonNode command(String name, Map<String, Object> fields, java.time.Duration wait) throws Exception {
        java.time.Instant now = java.time.Instant.now();
        Map<String, Object> body = new java.util.LinkedHashMap<>(fields);
        body.put("issuedAt", now.toString());
        body.put("expiresAt", now.plusSeconds(60).toString());
        String corr = "sandbox-" + correlation.incrementAndGet();
        MqttMessage m = new MqttMessage(JSON.writeValueAsBytes(body));
        m.setQos(1);
        MqttProperties p = new MqttProperties();
        p.setResponseTopic("bwcdock/v1/docks/" + dockId + "/cmdresp/sandbox-backoffice");
        p.setCorrelationData(corr.getBytes(StandardCharsets.UTF_8));
        m.setProperties(p);
        client.publish("bwcdock/v1/docks/" + dockId + "/cmd/" + name, m).waitForCompletion(wait.toMillis());
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            while (!replies.containsKey(corr)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no reply to " + name + " within " + wait);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return replies.remove(corr);
        }
    }

    /** When the dock was first seen online (the benchmark's start-to-online). */
    public java.util.Optional<java.time.Instant> firstOnline() {
        return java.util.Optional.ofNullable(firstOnline);
    }

    public long messages() {
        return messages.get();
    }

    /** The newest state of each bay, by bay number (retained on the broker). */
    public synchronized Map<Integer, JsonNode> bayStates() {
        return new TreeMap<>(bays);
    }

    /** Every event received, in arrival order (redeliveries included). */
    public synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** Each bay's camera, officer and battery as the retained state shows them, for the summary. */
    public String retainedBays() {
        StringBuilder b = new StringBuilder();
        bayStates().forEach((n, s) -> b.append("bay ").append(n).append(" camera ").append(s.path("cameraId"))
                .append(" officer ").append(s.path("officerId")).append(" battery ").append(s.path("batteryPercent")).append("; "));
        return b.toString();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close();
    }
}
