package org.bwcdock.agent.upload;

/** Makes the evidence sink. */
public final class Sinks {
    private Sinks() {
    }

    public static EvidenceSink tus(SinkSettings settings) {
        return new TusSink(settings);
    }
}
