package org.bwcdock.agent.telemetry;

import org.bwcdock.agent.events.BayView;

/**
 * The dock's voice to the back office: retained status, birth and bay states, events from the
 * ledger's outbox (at least once, in order), health, and commands with replies.
 */
public interface Telemetry extends AutoCloseable {
    void start();

    /** The bay's retained state changed (published soon, the latest value only). */
    void bayChanged(BayView view);

    /** New events are in the outbox: publish them now rather than at the next poll. */
    void eventsAppended();

    boolean connected();

    @Override
    void close();
}
