package org.bwcdock.sandbox.mqtt;

import org.bwcdock.format.pki.TlsContexts;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The back office (or an intruder): a Paho v5 client with a CLI-made certificate that records what it sees. */
final class Observer implements AutoCloseable {
    record Seen(String topic, String payload, boolean retained, MqttProperties properties) {
    }

    final MqttAsyncClient client;
    private final List<Seen> seen = new ArrayList<>();

    Observer(String uri, Path identity, Path ca, String clientId) throws Exception {
        client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                synchronized (seen) {
                    seen.add(new Seen(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained(), m.getProperties()));
                    seen.notifyAll();
                }
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setSocketFactory(TlsContexts.create(identity.resolve("dock.crt"), identity.resolve("dock.key"), ca).getSocketFactory());
        o.setCleanStart(true);
        client.connect(o).waitForCompletion(15_000);
    }

    /** Publishes and waits for the broker's answer; the token carries the PUBACK reason codes. */
    IMqttToken publish(String topic, MqttMessage m) throws MqttException {
        IMqttToken t = client.publish(topic, m);
        t.waitForCompletion(10_000);
        return t;
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(10_000);
    }

    /** The first message matching, waiting up to {@code millis}; null if none came. */
    Seen await(Predicate<Seen> p, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (seen) {
            while (true) {
                for (Seen s : seen) {
                    if (p.test(s)) {
                        return s;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                seen.wait(left);
            }
        }
    }

    List<Seen> all(Predicate<Seen> p) {
        synchronized (seen) {
            return seen.stream().filter(p).toList();
        }
    }

    void clear() {
        synchronized (seen) {
            seen.clear();
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
