package org.bwcdock.sandbox;

import org.bwcdock.agent.DockAgent;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The sandbox's back office: subscribes to the dock's tree like a fleet dashboard would. */
final class BackOffice implements AutoCloseable {
    private final MqttAsyncClient client;
    private final AtomicLong messages = new AtomicLong();
    private final Map<String, String> retainedBays = new TreeMap<>();

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
                office.messages.incrementAndGet();
                if (topic.matches(".*/bays/\\d+/state")) {
                    synchronized (office.retainedBays) {
                        office.retainedBays.put(topic.replaceAll(".*/bays/(\\d+)/state", "bay $1"),
                                new String(m.getPayload(), StandardCharsets.UTF_8));
                    }
                }
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
        o.setCleanStart(true);
        c.connect(o).waitForCompletion(10_000);
        c.subscribe("bwcdock/v1/docks/" + dockId + "/#", 1).waitForCompletion(10_000);
        return office;
    }

    long messages() {
        return messages.get();
    }

    /** Each bay's camera, officer and battery as the retained state shows them. */
    String retainedBays() {
        StringBuilder b = new StringBuilder();
        synchronized (retainedBays) {
            retainedBays.forEach((bay, json) -> b.append(bay).append(' ')
                    .append(json.replaceAll(".*\"cameraId\":(\"[^\"]*\"|null).*\"officerId\":(\"[^\"]*\"|null)"
                            + ".*\"batteryPercent\":([0-9]+|null).*", "camera $1 officer $2 battery $3"))
                    .append("; "));
        }
        return b.toString();
    }

    /** Lets the dock's outbox drain before the summary (bounded wait). */
    void awaitQuiet(DockAgent agent) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (agent.ledger().pendingEventCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // poll
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close();
    }
}
