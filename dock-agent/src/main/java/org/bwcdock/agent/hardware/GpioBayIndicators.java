package org.bwcdock.agent.hardware;

import com.pi4j.io.gpio.digital.DigitalOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Bay lights on GPIO (active high: GPIO → resistor → LED → ground). Steady lights are written on
 * {@link #refresh(int)}; one thread, {@code bwcdock-bay-lights}, toggles the blinking ones and ends
 * timed patterns (locate, pickup, refusal).
 */
final class GpioBayIndicators implements BayIndicators {
    private static final Logger log = LoggerFactory.getLogger(GpioBayIndicators.class);

    /** The three outputs of one bay. */
    record Lamp(DigitalOutput green, DigitalOutput amber, DigitalOutput red) {
    }

    private final Map<Integer, Lamp> lamps;
    private final Situations situations;
    private final BayFlags flags;
    private final Clock clock;
    private final IntConsumer flagEnded;
    /** Current light per configured bay; guarded by this. */
    private final Map<Integer, BayLight> lights = new TreeMap<>();
    private final Map<Integer, Boolean> writeFailing = new TreeMap<>();
    private boolean phase;
    private final Ticker blinker;

    /**
     * @param lamps LEDs of the bays that have them
     * @param flagEnded told about a bay whose locate or pickup ended (its state changed)
     */
    GpioBayIndicators(List<Integer> bays, Map<Integer, Lamp> lamps, Situations situations, BayFlags flags, Clock clock,
                      Duration blinkInterval, IntConsumer flagEnded) {
        this.lamps = Map.copyOf(lamps);
        this.situations = situations;
        this.flags = flags;
        this.clock = clock;
        this.flagEnded = flagEnded;
        bays.forEach(b -> lights.put(b, BayLight.OFF));
        lamps.keySet().forEach(b -> show(b, BayLight.OFF));
        this.blinker = new Ticker("bwcdock-bay-lights", blinkInterval, this::tick);
    }

    @Override
    public void refresh(int bay) {
        if (!lights.containsKey(bay)) {
            return;
        }
        // The ledger is read outside the lock: a slow disk must not hold up the blinking.
        BayLight light = BayLight.lightFor(situations.of(bay));
        synchronized (this) {
            BayLight before = lights.put(bay, light);
            if (before != light) {
                log.debug("bay {} light {} -> {}", bay, before, light);
            }
            show(bay, light);
        }
    }

    @Override
    public void refreshAll() {
        for (int bay : bays()) {
            refresh(bay);
        }
    }

    private synchronized List<Integer> bays() {
        return List.copyOf(lights.keySet());
    }

    @Override
    public void locate(int bay, Duration howLong) {
        flags.locate(bay, clock.instant().plus(howLong));
        refresh(bay);
    }

    @Override
    public synchronized BayLight light(int bay) {
        BayLight l = lights.get(bay);
        if (l == null) {
            throw new IllegalArgumentException("bay " + bay + " is not configured");
        }
        return l;
    }

    private void tick() {
        Set<Integer> ended = flags.expire();
        if (ended.contains(BayFlags.ALL_BAYS)) {
            refreshAll();
        }
        for (int bay : ended) {
            if (bay != BayFlags.ALL_BAYS) {
                refresh(bay);
                flagEnded.accept(bay);
            }
        }
        synchronized (this) {
            phase = !phase;
            lights.forEach((bay, light) -> {
                if (light.blinks()) {
                    show(bay, light);
                }
            });
        }
    }

    /** Caller holds the lock (or is the constructor). */
    private void show(int bay, BayLight light) {
        Lamp lamp = lamps.get(bay);
        if (lamp == null) {
            return;
        }
        try {
            lamp.green().state(com.pi4j.io.gpio.digital.DigitalState.getState(light.green(phase)));
            lamp.amber().state(com.pi4j.io.gpio.digital.DigitalState.getState(light.amber(phase)));
            lamp.red().state(com.pi4j.io.gpio.digital.DigitalState.getState(light.red(phase)));
            if (Boolean.TRUE.equals(writeFailing.put(bay, false))) {
                log.info("bay {} LEDs answer again", bay);
            }
        } catch (RuntimeException e) {
            // One warning per failure, not one per blink.
            if (!Boolean.TRUE.equals(writeFailing.put(bay, true))) {
                log.warn("bay {}: cannot set LEDs: {}", bay, e.toString());
            }
        }
    }

    @Override
    public void close() {
        blinker.close();
        synchronized (this) {
            lamps.keySet().forEach(b -> show(b, BayLight.OFF));
        }
    }
}
