package org.bwcdock.sandbox;

/**
 * What the live view shows for one bay, as the back office sees it over MQTT.
 *
 * @param batteryPercent -1 when unknown
 * @param ingestPercent -1 when nothing is being ingested
 * @param uploadPercent -1 when nothing is being uploaded
 */
record BayRow(int bay, String camera, String officer, int batteryPercent, int ingestPercent, int uploadPercent,
              String light, String lastEvent) {

    static BayRow empty(int bay) {
        return new BayRow(bay, null, null, -1, -1, -1, "off", "");
    }
}
