package org.bwcdock.agent.bay;

/**
 * What a bay shows the world (MQTT bay state, the sandbox view, the lights).
 *
 * @param phase empty, mounting, listing, ingesting, uploading, safe, error
 * @param batteryPercent -1 when unknown
 */
public record BayStatus(int bay, String cameraId, String officerId, int batteryPercent, String phase,
                        long ingestDone, long ingestTotal, long uploadDone, long uploadTotal, String lastEvent) {

    public static BayStatus empty(int bay) {
        return new BayStatus(bay, null, null, -1, "empty", 0, 0, 0, 0, "");
    }

    BayStatus with(String newPhase, String event) {
        return new BayStatus(bay, cameraId, officerId, batteryPercent, newPhase, ingestDone, ingestTotal, uploadDone,
                uploadTotal, event == null ? lastEvent : event);
    }

    BayStatus ingest(long done, long total) {
        return new BayStatus(bay, cameraId, officerId, batteryPercent, phase, done, total, uploadDone, uploadTotal, lastEvent);
    }

    BayStatus upload(long done, long total) {
        return new BayStatus(bay, cameraId, officerId, batteryPercent, phase, ingestDone, ingestTotal, done, total, lastEvent);
    }

    BayStatus camera(String id, String officer, int battery) {
        return new BayStatus(bay, id, officer, battery, phase, 0, 0, 0, 0, lastEvent);
    }
}
