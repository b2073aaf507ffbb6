package org.bwcdock.agent.telemetry;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param tls the dock's client certificate and the broker's trust anchors; empty only for tcp:// to loopback
 */
public record MqttSettings(String dockId, List<URI> brokers, Optional<SSLContext> tls, Duration keepAlive,
                           Duration sessionExpiry, Duration maxReconnectDelay, String agentVersion, List<Integer> bays) {
    public MqttSettings {
        brokers = List.copyOf(brokers);
        bays = List.copyOf(bays);
    }

    String topic(String suffix) {
        return "bwcdock/v1/docks/" + dockId + "/" + suffix;
    }
}
