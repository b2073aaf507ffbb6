package org.bwcdock.agent.telemetry;

import org.bwcdock.agent.ledger.Outbox;

import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/** Makes the telemetry. */
public final class Telemetries {
    private Telemetries() {
    }

    public static Telemetry mqtt(MqttSettings settings, Outbox outbox, CommandHandler handler,
                                 Supplier<Map<String, Object>> health, Clock clock) {
        return new MqttTelemetry(settings, outbox, handler, health, clock);
    }
}
