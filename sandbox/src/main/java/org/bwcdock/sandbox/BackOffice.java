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

    private BackOffice(MqttAsyncClient client) {
        this.client = client;
    }

    static BackOffice connect(String uri, String dockId) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, "sandbox-backoffice", new MemoryPersistence());
        BackOffice office = new BackOffice(c);
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
            if (bay.matches()) {
                bays.put(Integer.parseInt(bay.group(1)), payload);
            } else if (topic.contains("/events/")) {
                events.add(payload);
            }
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
