package org.bwcdock.agent.hardware;

import java.util.Optional;

/**
 * Handles on the simulated chips of hardware = "simulated" (the sandbox): put a badge on the reader,
 * set or break a gauge, look at an LED. The agent's real drivers talk to these chips at register level.
 */
public interface HardwareSimulation {

    /** Puts a card with this UID (hex; 4, 7 or 10 bytes) on the badge reader; it stays until {@link #removeBadge()}. */
    void presentBadge(String uidHex);

    void removeBadge();

    /** What bay {@code bay}'s gauge reports from now on. */
    void setGauge(int bay, double percent, double cellVolts);

    /** false: the bay's gauge stops answering (as if unplugged); true: it answers again. */
    void gaugeAnswers(int bay, boolean answers);

    /** The level of an LED output by BCM GPIO number; empty if no LED is on that pin. */
    Optional<Boolean> led(int bcmGpio);
}
