package org.bwcdock.agent.telemetry;

import org.bwcdock.format.pki.Crl;

import javax.net.ssl.SSLContext;
import java.security.cert.X509Certificate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * @param tls the dock's client certificate and the broker's trust anchors; empty only for tcp:// to loopback
 */
public record MqttSettings(String dockId, List<URI> brokers, Optional<SSLContext> tls, Duration keepAlive,
                           Duration sessionExpiry, Duration maxReconnectDelay, String agentVersion, List<Integer> bays,
                           CommandTrust commandTrust, Duration commandClockSkew) {
    /**
     * Whose signature a command that can cause loss needs (docs/mqtt-api.yaml, signed commands):
     * a back-office certificate of one of {@code agencyCas}, not revoked.
     */
    public record CommandTrust(List<X509Certificate> agencyCas, Optional<Crl> crl) {
        public CommandTrust {
            agencyCas = List.copyOf(agencyCas);
        }
    }

    public MqttSettings {
        brokers = List.copyOf(brokers);
        bays = List.copyOf(bays);
    }

    String topic(String suffix) {
        return "bwcdock/v1/docks/" + dockId + "/" + suffix;
    }
}
