/**
 * What the dock tells the back office, as types: every event it can publish ({@link
 * org.bwcdock.agent.events.DockEvent}, one record per {@code events/{type}} topic) and the view of
 * a bay ({@link org.bwcdock.agent.events.BayView}, {@code bays/{n}/state}). docs/mqtt-api.yaml
 * documents exactly these; a test holds the two against each other. A leaf package: it imports no
 * other package of the agent, so the ledger, the bays, the hardware and the telemetry can all use it.
 */
package org.bwcdock.agent.events;
