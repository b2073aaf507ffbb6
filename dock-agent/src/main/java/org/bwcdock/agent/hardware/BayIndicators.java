package org.bwcdock.agent.hardware;

import java.time.Duration;

/**
 * The bay lights. The supervisor calls {@link #refresh(int)} after each change that concerns a bay
 * (docked, undocked, file state changed, assignment changed); the light is then re-derived from the
 * ledger with {@link BayLight#lightFor(BaySituation)}. One owned thread blinks the blinking lights
 * and ends timed patterns; it stops on {@link #close()}.
 */
public interface BayIndicators extends AutoCloseable {

    /** Re-derives the bay's light from its situation and shows it. Unknown bays are ignored. */
    void refresh(int bay);

    /** {@link #refresh(int)} for every configured bay. */
    void refreshAll();

    /** Blinks the bay green for a while (the MQTT {@code locate} command). */
    void locate(int bay, Duration howLong);

    /** What the bay shows now. */
    BayLight light(int bay);

    @Override
    void close();
}
