package org.bwcdock.agent.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.ledger.Outbox;
import org.bwcdock.agent.ledger.OutboxEvent;
import org.bwcdock.agent.system.Backoff;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One long-lived Paho MQTT 5 client driven by one thread of ours: connect (our own backoff with
 * jitter; Paho's automatic reconnect is off, it has open bugs), announce (status, birth, bay
 * states), then publish the outbox in sequence order, removing each event only after its PUBACK.
 * Paho's file persistence is never used: the ledger's outbox is the persistence.
 */
final class MqttTelemetry implements Telemetry, MqttCallback {
    private static final Logger log = LoggerFactory.getLogger(MqttTelemetry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A command (at most {@link Commands#MAX_BYTES}) plus its topic and properties. */
    static final long MAX_PACKET_BYTES = 16 * 1024;
    private static final long PUBACK_TIMEOUT_MS = 10_000;
    private static final long HEALTH_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final MqttSettings settings;
    private final Outbox outbox;
    private final Commands commands;
    private final Supplier<Map<String, Object>> health;
    private final Clock clock;
    private final String sessionId = UUID.randomUUID().toString();
    private final Thread thread;
    private final AtomicInteger pahoThreads = new AtomicInteger();
    /** The current client's Paho threads; a new pool per client, so that one wedged client cannot starve the next. */
    private volatile ScheduledExecutorService pahoExecutor;
    private final Map<Integer, String> bayStates = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> dirtyBays = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<MqttMessageOut> replies = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    /** Reconnect waits; close() stops it, which also ends a wait in progress. */
    private final Backoff reconnects;
    private volatile MqttAsyncClient client;
    private int brokerIndex;

    private record MqttMessageOut(String topic, byte[] payload, byte[] correlation) {
    }

    MqttTelemetry(MqttSettings settings, Outbox outbox, CommandHandler handler, Supplier<Map<String, Object>> health, Clock clock) {
        this.settings = settings;
        this.outbox = outbox;
        this.commands = new Commands(handler, new HashSet<>(settings.bays()), clock, settings.commandClockSkew(), settings.dockId(),
                settings.commandTrust());
        this.health = health;
        this.clock = clock;
        this.thread = new Thread(this::run, "bwcdock-mqtt");
        this.reconnects = new Backoff(Duration.ofSeconds(1), settings.maxReconnectDelay());
    }

    @Override
    public void start() {
        running = true;
        thread.start();
    }

    @Override
    public void bayChanged(BayView s) {
        ObjectNode j = JSON.createObjectNode().put("bay", s.bay());
        putNullable(j, "cameraId", s.cameraId());
        putNullable(j, "officerId", s.officerId());
        percent(j, "batteryPercent", s.batteryPercent().orElse(-1));
        j.put("charging", s.charging()).put("phase", s.phase().wireName());
        percent(j, "ingestPercent", s.ingestPercent());
        percent(j, "uploadPercent", s.uploadPercent());
        j.put("lastEvent", s.lastEvent()).put("at", clock.instant().toString());
        String json = j.toString();
        if (!json.equals(bayStates.put(s.bay(), json))) {
            dirtyBays.put(s.bay(), true);
            LockSupport.unpark(thread);
        }
    }

    private static void percent(ObjectNode j, String k, int v) {
        if (v < 0) {
            j.putNull(k);
        } else {
            j.put(k, v);
        }
    }

    private static void putNullable(ObjectNode j, String k, String v) {
        if (v == null) {
            j.putNull(k);
        } else {
            j.put(k, v);
        }
    }

    /**
     * Wakes the publisher only while connected: unparked during a reconnect backoff it would retry at
     * once, and events pile up fastest exactly when the broker is gone. The next connect publishes them anyway.
     */
    @Override
    public void eventsAppended() {
        if (connected()) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public boolean connected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    // ---- the one thread ------------------------------------------------------------------------

    private void run() {
        long nextHealth = 0;
        while (running) {
            try {
                if (!connected()) {
                    connect();
                    reconnects.reset();
                    nextHealth = 0;
                }
                publishReplies();
                publishBays();
                publishOutbox();
                if (System.nanoTime() - nextHealth >= 0) {
                    publishHealth();
                    nextHealth = System.nanoTime() + HEALTH_EVERY_NANOS;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            } catch (MqttException e) {
                if (!running) {
                    break;
                }
                logFailure(e);
                dropClient();
                try {
                    reconnects.pause();
                } catch (InterruptedException ie) {
                    break;
                }
            } catch (RuntimeException e) {
                log.error("MQTT publisher: {}", e.toString());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void logFailure(MqttException e) {
        int rc = e.getReasonCode();
        // MQTT 5 CONNACK 134 = bad user name or password, 135 = not authorised; a TLS refusal comes as SSLException.
        if (rc == 134 || rc == 135 || e.getCause() instanceof javax.net.ssl.SSLException) {
            log.error("MQTT broker refused the dock's identity ({}): check the dock certificate and the broker's CA", e.getMessage());
        } else {
            log.warn("MQTT: {} (reason {}); retrying with backoff", e.getMessage(), rc);
        }
    }

    private void connect() throws MqttException {
        dropClient(); // a client that lost its connection between publishes: close it and its threads first
        URI broker = settings.brokers().get(brokerIndex++ % settings.brokers().size());
        // Paho runs its sender, receiver, callback and ping tasks on this pool at once: two threads deadlock it.
        pahoExecutor = Executors.newScheduledThreadPool(6, r -> new Thread(r, "bwcdock-mqtt-io-" + pahoThreads.incrementAndGet()));
        MqttAsyncClient c = new MqttAsyncClient(broker.toString(), settings.dockId(), new MemoryPersistence(), null, pahoExecutor);
        c.setCallback(this);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        o.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        // The broker must not send us anything bigger (MQTT 5 §3.1.2.11.4): a huge command is dropped
        // before it reaches this heap, instead of being read whole and refused afterwards.
        o.setMaximumPacketSize(MAX_PACKET_BYTES);
        // TLS: a connection reset at once fails the handshake before Paho's connect race can start (see ConnectRaceGuard).
        o.setSocketFactory(settings.tls().map(t -> (javax.net.SocketFactory) t.getSocketFactory()).orElseGet(ConnectRaceGuard::new));
        MqttMessage will = message(status("offline"), true, 1);
        o.setWill(settings.topic("status"), will);
        client = c;
        try {
            awaitWhileRunning(c.connect(o), CONNECT_TIMEOUT_NANOS);
        } catch (MqttException e) {
            dropClient();
            throw e;
        }
        log.info("MQTT connected to {} as {} (session {})", broker, settings.dockId(), sessionId);
        // Subscribed before "online": whoever sees the dock online may send it commands at once.
        // Retain handling 2: the broker sends no retained command at subscribe time (MQTT 5 §3.8.3.1).
        MqttSubscription commandsOnly = new MqttSubscription(settings.topic("cmd/+"), 1);
        commandsOnly.setRetainHandling(2);
        c.subscribe(new MqttSubscription[] {commandsOnly}).waitForCompletion(10_000);
        publish("status", status("online"), true, 1, null);
        publish("birth", birth(), true, 1, null);
        settings.bays().forEach(b -> dirtyBays.put(b, true));
    }

    /**
     * Waits for a token in short slices so that close() is not held up by a connect to a broker
     * that never answers (a blackholed network): shutdown must stay quick.
     */
    private void awaitWhileRunning(IMqttToken token, long timeoutNanos) throws MqttException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            try {
                token.waitForCompletion(250);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_TIMEOUT || !running || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
        }
    }

    private byte[] status(String state) {
        return JSON.createObjectNode().put("state", state).put("sessionId", sessionId).put("dockId", settings.dockId())
                .put("at", clock.instant().toString()).toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] birth() {
        ObjectNode b = JSON.createObjectNode().put("dockId", settings.dockId()).put("sessionId", sessionId)
                .put("agentVersion", settings.agentVersion()).put("at", clock.instant().toString());
        var bays = b.putArray("bays");
        settings.bays().forEach(bays::add);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void publishBays() throws MqttException {
        for (Integer bay : List.copyOf(dirtyBays.keySet())) {
            dirtyBays.remove(bay);
            String json = bayStates.get(bay);
            if (json != null) {
                publish("bays/" + bay + "/state", json.getBytes(StandardCharsets.UTF_8), true, 1, null);
            }
        }
    }

    /** In sequence order; an event leaves the outbox only after the broker's PUBACK. */
    private void publishOutbox() throws MqttException {
        for (int round = 0; round < 100; round++) {
            List<OutboxEvent> batch = outbox.pendingEvents(100);
            if (batch.isEmpty()) {
                return;
            }
            for (OutboxEvent e : batch) {
                ObjectNode payload;
                try {
                    payload = (ObjectNode) JSON.readTree(e.payloadJson());
                } catch (Exception ex) {
                    payload = JSON.createObjectNode().put("raw", e.payloadJson());
                }
                payload.put("eventId", e.eventId()).put("sequence", e.sequence()).put("type", e.type())
                        .put("dockId", settings.dockId());
                publish("events/" + e.type(), payload.toString().getBytes(StandardCharsets.UTF_8), false, 1, null);
                outbox.markPublished(e.sequence());
            }
        }
    }

    private void publishHealth() throws MqttException {
        ObjectNode h = JSON.valueToTree(health.get());
        h.put("dockId", settings.dockId()).put("outboxDepth", outbox.pendingEventCount()).put("at", clock.instant().toString());
        MqttMessage m = message(h.toString().getBytes(StandardCharsets.UTF_8), true, 0);
        MqttProperties p = new MqttProperties();
        p.setMessageExpiryInterval(120L);
        m.setProperties(p);
        client.publish(settings.topic("health"), m);
    }

    private void publishReplies() throws MqttException {
        MqttMessageOut r;
        while ((r = replies.peek()) != null) {
            MqttMessage m = message(r.payload(), false, 1);
            MqttProperties p = new MqttProperties();
            p.setCorrelationData(r.correlation());
            m.setProperties(p);
            waitForAck(client.publish(r.topic(), m), r.topic());
            replies.poll();
        }
    }

    private void publish(String suffix, byte[] payload, boolean retained, int qos, MqttProperties props) throws MqttException {
        MqttMessage m = message(payload, retained, qos);
        if (props != null) {
            m.setProperties(props);
        }
        waitForAck(client.publish(settings.topic(suffix), m), suffix);
    }

    private static void waitForAck(IMqttToken t, String what) throws MqttException {
        t.waitForCompletion(PUBACK_TIMEOUT_MS);
        int[] codes = t.getReasonCodes();
        if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
            throw new MqttException(codes[0], new IllegalStateException("broker refused " + what + " (reason " + codes[0] + ")"));
        }
    }

    private static MqttMessage message(byte[] payload, boolean retained, int qos) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        m.setRetained(retained);
        return m;
    }

    // ---- Paho callbacks (its thread: never publish synchronously here) --------------------------

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        String prefix = settings.topic("cmd/");
        if (!topic.startsWith(prefix)) {
            return;
        }
        String name = topic.substring(prefix.length());
        MqttProperties p = message.getProperties();
        String responseTopic = p == null ? null : p.getResponseTopic();
        byte[] correlation = p == null ? null : p.getCorrelationData();
        if (responseTopic == null || correlation == null || !responseTopic.startsWith(settings.topic("cmdresp/"))) {
            // No way to answer: do nothing, and say so where the back office looks.
            ignore(name, "missing response topic or correlation data");
            return;
        }
        if (message.isRetained()) {
            // A retained command would run again at every connect (an old "hold": false lifting a hold each time).
            ignore(name, "retained commands are never executed");
            return;
        }
        String reply = commands.execute(name, message.getPayload(), correlation);
        replies.add(new MqttMessageOut(responseTopic, reply.getBytes(StandardCharsets.UTF_8), correlation));
        LockSupport.unpark(thread);
    }

    /** A command that gets no reply: logged (the log pattern escapes the name) and reported as an event. */
    private void ignore(String name, String reason) {
        log.warn("MQTT command {} ignored: {}", name, reason);
        outbox.appendEvent(new DockEvent.CommandRejected(name, reason));
        LockSupport.unpark(thread);
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        log.warn("MQTT disconnected: {}", response.getReasonString());
        LockSupport.unpark(thread);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT error: {}", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }

    private void dropClient() {
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(1000, 1000, false);
                }
                c.close(true);
            } catch (MqttException e) {
                log.debug("closing MQTT client: {}", e.getMessage());
            }
        }
        ScheduledExecutorService pool = pahoExecutor;
        pahoExecutor = null;
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        running = false;
        reconnects.stop();
        LockSupport.unpark(thread);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MqttAsyncClient c = client;
        if (c != null && c.isConnected()) {
            try {
                // A deliberate goodbye: retained offline with our session id, then a clean disconnect (no will).
                c.publish(settings.topic("status"), message(status("offline"), true, 1)).waitForCompletion(5_000);
                c.disconnect(5_000).waitForCompletion(6_000);
            } catch (MqttException e) {
                log.debug("MQTT goodbye failed: {}", e.getMessage());
            }
        }
        dropClient();
    }
}
