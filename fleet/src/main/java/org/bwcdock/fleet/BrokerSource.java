package org.bwcdock.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the retained tree from a broker as a back-office client: connect (MQTT 5 over tcp, ssl,
 * ws or wss), subscribe to {@code bwcdock/v1/docks/+/…}, collect the retained messages until none
 * has arrived for a quiet period, disconnect. Read-only: it publishes nothing.
 */
public final class BrokerSource {
    static final String[] FILTERS = {"bwcdock/v1/docks/+/status", "bwcdock/v1/docks/+/birth", "bwcdock/v1/docks/+/health",
            "bwcdock/v1/docks/+/bays/+/state"};

    /** Where and as whom; {@code ca} is the PEM file of the CA that signed the broker's certificate (for ssl/wss). */
    public record Settings(URI broker, Optional<String> username, Optional<char[]> password, Optional<Path> ca, Duration quiet, Duration limit) {
        public Settings {
            String scheme = String.valueOf(broker.getScheme());
            if (!java.util.Set.of("tcp", "ssl", "ws", "wss").contains(scheme)) {
                throw new IllegalArgumentException("--broker: " + broker + " is not tcp://, ssl://, ws:// or wss://");
            }
            if ((scheme.equals("tcp") || scheme.equals("ws")) && !loopback(broker.getHost())) {
                throw new IllegalArgumentException("--broker: " + broker + ": unencrypted only to loopback; use ssl:// or wss://");
            }
        }

        private static boolean loopback(String host) {
            return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
        }
    }

    private BrokerSource() {
    }

    public static RetainedTree read(Settings s) throws IOException {
        Map<String, JsonNode> tree = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong lastArrival = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        // A message being parsed counts as not quiet: the first parse loads Jackson, which on a busy
        // machine took longer than the quiet period, and the message was lost to the disconnect.
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        RetainedTree.payload("{}");
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(s.broker().toString(), "bwcdock-fleet-report-" + UUID.randomUUID(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("broker " + s.broker() + ": " + e.getMessage(), e);
        }
        c.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) {
                inFlight.incrementAndGet();
                lastArrival.set(System.nanoTime());
                try {
                    if (m.isRetained()) {
                        tree.put(topic, RetainedTree.payload(new String(m.getPayload(), StandardCharsets.UTF_8)));
                    }
                } finally {
                    lastArrival.set(System.nanoTime());
                    inFlight.decrementAndGet();
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
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
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setConnectionTimeout((int) Math.max(1, s.limit().toSeconds()));
        s.username().ifPresent(o::setUserName);
        s.password().ifPresent(p -> o.setPassword(new String(p).getBytes(StandardCharsets.UTF_8)));
        if (s.ca().isPresent()) {
            o.setSocketFactory(trusting(s.ca().get()).getSocketFactory());
        }
        try {
            c.connect(o).waitForCompletion(s.limit().toMillis());
            IMqttToken sub = c.subscribe(FILTERS, new int[] {1, 1, 1, 1});
            sub.waitForCompletion(s.limit().toMillis());
            for (int rc : sub.getReasonCodes()) {
                if (rc >= 0x80) {
                    throw new IOException("broker " + s.broker() + " refused the subscription (reason " + rc + "): check the back-office ACL");
                }
            }
            lastArrival.set(System.nanoTime());
            long deadline = System.nanoTime() + s.limit().toNanos();
            while ((inFlight.get() > 0 || System.nanoTime() - lastArrival.get() < s.quiet().toNanos()) && System.nanoTime() < deadline) {
                Thread.sleep(20); // poll: retained messages arrive in a burst right after the subscription
            }
            c.disconnect().waitForCompletion(5_000);
        } catch (MqttException e) {
            throw new IOException("broker " + s.broker() + ": " + e.getMessage() + (e.getReasonCode() == 134 || e.getReasonCode() == 135
                    ? " (check the back-office user and password)" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            try {
                c.close(true);
            } catch (MqttException ignored) {
                // already closed
            }
        }
        return new RetainedTree(tree);
    }

    /** TLS trusting only the given CA (PEM). */
    static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
            if (i == 0) {
                throw new IOException("--ca " + caPem + ": no certificate in it");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("--ca " + caPem + ": " + e.getMessage(), e);
        }
    }
}
