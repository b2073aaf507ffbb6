package org.bwcdock.agent.hardware;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;

import java.util.Map;
import java.util.Optional;

/** {@link HardwareSimulation} over the chips in a mock Pi4J context. */
final class MockSimulation implements HardwareSimulation {
    private final Context context;
    private final SimulatedMfrc522 reader;
    private final Map<Integer, SimulatedMax17048> gauges;

    MockSimulation(Context context, SimulatedMfrc522 reader, Map<Integer, SimulatedMax17048> gauges) {
        this.context = context;
        this.reader = reader;
        this.gauges = Map.copyOf(gauges);
    }

    @Override
    public void presentBadge(String uidHex) {
        reader().card(uidHex);
    }

    @Override
    public void removeBadge() {
        reader().card(null);
    }

    private SimulatedMfrc522 reader() {
        if (reader == null) {
            throw new IllegalStateException("no badge reader: the [badges] map is empty");
        }
        return reader;
    }

    @Override
    public void setGauge(int bay, double percent, double cellVolts) {
        gauge(bay).set(percent, cellVolts);
    }

    @Override
    public void gaugeAnswers(int bay, boolean answers) {
        gauge(bay).answering(answers);
    }

    private SimulatedMax17048 gauge(int bay) {
        SimulatedMax17048 g = gauges.get(bay);
        if (g == null) {
            throw new IllegalArgumentException("bay " + bay + " has no battery gauge");
        }
        return g;
    }

    @Override
    public Optional<Boolean> led(int bcmGpio) {
        return context.registry().allByType(DigitalOutput.class).values().stream()
                .filter(o -> o.address() != null && o.address() == bcmGpio)
                .findFirst()
                .map(DigitalOutput::isHigh);
    }
}
