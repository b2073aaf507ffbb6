package org.bwcdock.agent.telemetry;

/**
 * The payload of {@code bays/{n}/state} (docs/mqtt-api.yaml).
 *
 * @param batteryPercent -1 when unknown
 * @param ingestPercent -1 when idle
 */
public record BayState(int bay, String cameraId, String officerId, int batteryPercent, boolean charging, String phase,
                       int ingestPercent, int uploadPercent, String lastEvent) {
}
