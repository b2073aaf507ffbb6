package org.bwcdock.agent.hardware;

/**
 * Derived from the state of charge; the gauges do not report a charger state. Rules (docs/hardware.md):
 * FULL at {@value BatteryReading#FULL_PERCENT} % or more; CHARGING below that while docked (the bay
 * powers the camera) or when the level rose since the previous reading; NOT_CHARGING otherwise;
 * UNKNOWN without a level.
 */
public enum ChargeStatus {
    UNKNOWN,
    CHARGING,
    FULL,
    NOT_CHARGING
}
