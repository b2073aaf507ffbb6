package org.bwcdock.agent.hardware;

import java.time.Duration;

/** hardware = "none": no lights. Every bay reads as {@link BayLight#OFF}. */
final class NoBayIndicators implements BayIndicators {
    @Override
    public void refresh(int bay) {
    }

    @Override
    public void refreshAll() {
    }

    @Override
    public void locate(int bay, Duration howLong) {
    }

    @Override
    public BayLight light(int bay) {
        return BayLight.OFF;
    }

    @Override
    public void close() {
    }
}
