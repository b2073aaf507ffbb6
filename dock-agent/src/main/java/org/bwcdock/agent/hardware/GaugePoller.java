package org.bwcdock.agent.hardware;

import org.bwcdock.agent.events.BayView;
import org.bwcdock.agent.events.DockEvent;
import org.bwcdock.agent.ledger.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Battery levels: polls each bay's gauge on {@code bwcdock-battery-gauges}; falls back to the
 * camera-reported level. A gauge that stops answering reads unknown and raises one
 * {@code battery-gauge-failed} event per transition (and {@code battery-gauge-recovered} back).
 */
final class GaugePoller implements BatteryGauges, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GaugePoller.class);

    /** Last gauge values of one bay; guarded by the poller. */
    private static final class Last {
        OptionalDouble percent = OptionalDouble.empty();
        OptionalDouble volts = OptionalDouble.empty();
        double previousPercent = Double.NaN;
        Instant at;
        boolean failing;
    }

    private final List<Integer> bays;
    private final Map<Integer, FuelGauge> chips;
    private final Map<Integer, Last> last = new TreeMap<>();
    private final DockView view;
    private final Outbox outbox;
    private final Clock clock;
    private final IntConsumer changed;
    private final Duration interval;
    private Ticker ticker;

    /**
     * @param chips gauges by bay; empty: no thread, camera-reported levels only
     * @param changed told about a bay whose reading or charge status changed
     */
    GaugePoller(List<Integer> bays, Map<Integer, FuelGauge> chips, DockView view, Outbox outbox, Clock clock,
                Duration interval, IntConsumer changed) {
        this.bays = List.copyOf(bays);
        this.chips = Map.copyOf(chips);
        this.view = view;
        this.outbox = outbox;
        this.clock = clock;
        this.changed = changed;
        chips.keySet().forEach(b -> last.put(b, new Last()));
        this.interval = interval;
    }

    /** Starts polling (once everything the change callback reaches exists); no thread without gauges. */
    synchronized void start() {
        if (ticker == null && !chips.isEmpty()) {
            ticker = new Ticker("bwcdock-battery-gauges", interval, this::pollAll);
        }
    }

    @Override
    public synchronized void readSoon() {
        if (ticker != null) {
            ticker.runSoon();
        }
    }

    /** Reads every gauge once (the thread's task; tests may call it). */
    void pollAll() {
        for (Map.Entry<Integer, FuelGauge> e : chips.entrySet()) {
            int bay = e.getKey();
            BatteryReading before = reading(bay);
            poll(bay, e.getValue());
            BatteryReading after = reading(bay);
            if (before.roundedPercent() != after.roundedPercent() || before.status() != after.status()
                    || before.source() != after.source()) {
                changed.accept(bay);
            }
        }
    }

    private void poll(int bay, FuelGauge chip) {
        double percent;
        double volts;
        try {
            percent = BatteryReading.capped(chip.stateOfChargePercent());
            volts = chip.cellVolts();
        } catch (RuntimeException ex) {
            boolean report;
            synchronized (this) {
                Last l = last.get(bay);
                report = !l.failing;
                l.failing = true;
                l.percent = OptionalDouble.empty();
                l.volts = OptionalDouble.empty();
                l.previousPercent = Double.NaN;
                l.at = clock.instant();
            }
            if (report) {
                log.warn("bay {} battery gauge {} stopped answering: {}", bay, chip.where(), ex.toString());
                event(new DockEvent.BatteryGaugeFailed(bay, chip.where(), clock.instant(), ex.toString()));
            }
            return;
        }
        boolean recovered;
        synchronized (this) {
            Last l = last.get(bay);
            recovered = l.failing;
            l.failing = false;
            l.previousPercent = l.percent.orElse(Double.NaN);
            l.percent = OptionalDouble.of(percent);
            l.volts = OptionalDouble.of(volts);
            l.at = clock.instant();
        }
        if (recovered) {
            log.info("bay {} battery gauge {} answers again", bay, chip.where());
            event(new DockEvent.BatteryGaugeRecovered(bay, chip.where(), clock.instant()));
        }
    }

    private void event(DockEvent.Operational event) {
        try {
            // Operational: a gauge is about charging, not custody; dropping the oldest under pressure harms no evidence.
            outbox.appendEvent(event);
        } catch (RuntimeException e) {
            log.warn("cannot record {}: {}", event.type(), e.toString());
        }
    }

    @Override
    public BatteryReading reading(int bay) {
        Optional<BayView> docked = view.inBay(bay);
        synchronized (this) {
            Last l = last.get(bay);
            if (l != null && l.percent.isPresent()) {
                return new BatteryReading(bay, BatteryReading.Source.GAUGE, l.percent, l.volts,
                        BatteryReading.derive(l.percent, docked.isPresent(), l.previousPercent), l.at);
            }
        }
        int reported = docked.map(d -> d.reportedBatteryPercent().orElse(-1)).orElse(-1);
        return BatteryReading.reported(bay, reported, docked.isPresent(), clock.instant());
    }

    @Override
    public List<BatteryReading> readings() {
        List<BatteryReading> all = new ArrayList<>();
        for (int bay : bays) {
            all.add(reading(bay));
        }
        return all;
    }

    @Override
    public void close() {
        Ticker t;
        synchronized (this) {
            t = ticker;
        }
        if (t != null) {
            t.close();
        }
    }
}
