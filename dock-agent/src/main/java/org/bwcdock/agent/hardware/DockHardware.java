package org.bwcdock.agent.hardware;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiBus;
import com.pi4j.io.spi.SpiChipSelect;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.spi.LinuxFsSpiProvider;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.ledger.Ledger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The dock's bay lights, badge reader and battery gauges, built by the one factory the composition
 * root calls. {@code hardware = "pi4j"} drives real GPIO (gpiod), SPI and I2C (linuxfs);
 * {@code "simulated"} the same drivers against the Pi4J context the caller supplies (the sandbox's
 * and tests' simulated chips, module dock-simulation, which the .deb does not ship);
 * {@code "none"} no Pi4J context at all: lights are no-ops, taps are ignored, battery levels come
 * from the cameras' own reports.
 *
 * <p>Device ids are part of the contract with a simulated board: {@value #BADGE_READER_ID} for the
 * reader, {@code bay<N>-gauge} for a gauge (its chip's config value as the description),
 * {@code bay<N>-<colour>} for an LED.
 */
public final class DockHardware implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockHardware.class);

    private final Context context;
    private final BayIndicators indicators;
    private final BadgeReader badges;
    private final GaugePoller gauges;
    private final Situations situations;
    private final List<Integer> bays;
    private boolean closed;

    public static final String BADGE_READER_ID = "badge-reader";

    private DockHardware(Context context, BayIndicators indicators, BadgeReader badges, GaugePoller gauges,
                         Situations situations, List<Integer> bays) {
        this.context = context;
        this.indicators = indicators;
        this.badges = badges;
        this.gauges = gauges;
        this.situations = situations;
        this.bays = bays;
    }

    /** Real hardware or none; {@code hardware = "simulated"} needs {@link #create(HardwareSettings, Optional, Ledger, DockView, Clock)}. */
    public static DockHardware create(HardwareSettings settings, Ledger ledger, DockView view, Clock clock) {
        return create(settings, Optional.empty(), ledger, view, clock);
    }

    /**
     * @param simulatedBoard the Pi4J context of simulated chips, used only when the mode is SIMULATED
     *                       (and required then)
     */
    public static DockHardware create(HardwareSettings settings, Optional<Supplier<Context>> simulatedBoard, Ledger ledger,
                                      DockView view, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(simulatedBoard, "simulatedBoard");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(clock, "clock");
        List<Integer> bays = settings.bays().stream().map(HardwareSettings.BayWiring::bay).toList();
        if (settings.mode() == AgentConfig.Hardware.NONE) {
            BayFlags flags = new BayFlags(clock);
            GaugePoller gauges = new GaugePoller(bays, Map.of(), view, ledger, clock, settings.gaugePollInterval(), b -> { });
            Situations situations = new Situations(ledger, view, gauges, flags);
            log.info("hardware none: no bay lights, badge reader or battery gauges");
            return new DockHardware(null, new NoBayIndicators(), new NoBadgeReader(), gauges, situations, bays);
        }
        boolean simulated = settings.mode() == AgentConfig.Hardware.SIMULATED;
        if (simulated && simulatedBoard.isEmpty()) {
            throw new IllegalArgumentException(SIMULATED_NEEDS_A_BOARD);
        }
        Context context = simulated ? simulatedBoard.get().get() : productionContext(settings);
        try {
            return wire(settings, context, simulated, ledger, view, clock, bays);
        } catch (RuntimeException e) {
            context.shutdown();
            throw e;
        }
    }

    /** What check-config and run say to hardware = "simulated" without simulated chips (an installed dock). */
    public static final String SIMULATED_NEEDS_A_BOARD = "hardware: \"simulated\" runs on simulated chips, which only the "
            + "sandbox and tests supply (module dock-simulation, not installed on a dock); use \"pi4j\" or \"none\"";

    /**
     * Real hardware, with the providers named one by one: auto-detection must never pick a stray
     * plugin on a dock.
     */
    private static Context productionContext(HardwareSettings settings) {
        ContextBuilder b = Pi4J.newContextBuilder().noAutoDetect()
                .add(GpioDDigitalOutputProvider.newInstance(), LinuxFsI2CProvider.newInstance(), LinuxFsSpiProvider.newInstance());
        settings.gpioChip().ifPresent(b::setGpioChipName);
        return b.build();
    }

    private static DockHardware wire(HardwareSettings s, Context ctx, boolean simulated, Ledger ledger, DockView view,
                                     Clock clock, List<Integer> bays) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            BayFlags flags = new BayFlags(clock);
            Map<Integer, FuelGauge> chips = new TreeMap<>();
            Map<Integer, GpioBayIndicators.Lamp> lamps = new TreeMap<>();
            for (HardwareSettings.BayWiring b : s.bays()) {
                if (b.gauge().isPresent()) {
                    HardwareSettings.GaugeAddress g = b.gauge().get();
                    I2C i2c = ctx.create(I2C.newConfigBuilder(ctx).id("bay" + b.bay() + "-gauge")
                            .name("bay " + b.bay() + " battery gauge").description(g.chip().configValue())
                            .bus(g.bus()).device(g.address()));
                    chips.put(b.bay(), FuelGauge.open(g.chip(), i2c, "i2c-" + g.bus() + "@0x" + Integer.toHexString(g.address())));
                }
                if (b.leds().isPresent()) {
                    HardwareSettings.Leds l = b.leds().get();
                    lamps.put(b.bay(), new GpioBayIndicators.Lamp(led(ctx, b.bay(), "green", l.green()),
                            led(ctx, b.bay(), "amber", l.amber()), led(ctx, b.bay(), "red", l.red())));
                }
            }
            // The gauges tell the lights about a change; the lights exist only after the gauges, hence the holder.
            BayIndicators[] lights = new BayIndicators[1];
            GaugePoller gauges = new GaugePoller(bays, chips, view, ledger, clock, s.gaugePollInterval(), bay -> {
                if (lights[0] != null) {
                    lights[0].refresh(bay);
                }
                view.bayChanged(bay);
            });
            started.push(gauges);
            Situations situations = new Situations(ledger, view, gauges, flags);
            GpioBayIndicators indicators = new GpioBayIndicators(bays, lamps, situations, flags, clock, s.blinkInterval(),
                    view::bayChanged);
            started.push(indicators);
            lights[0] = indicators;
            BadgeService badges = new BadgeService(s, ledger, view, situations, flags, indicators, clock, view::bayChanged);
            started.push(badges);
            if (!s.badges().isEmpty()) {
                HardwareSettings.SpiAddress a = s.badgeReader();
                Spi spi = ctx.create(Spi.newConfigBuilder(ctx).id(BADGE_READER_ID).name("MFRC522 badge reader")
                        .bus(SpiBus.getByNumber(a.bus())).chipSelect(SpiChipSelect.getByNumber(a.chipSelect()))
                        .address(a.chipSelect()).mode(SpiMode.MODE_0).baud(a.baud()));
                String where = "spi" + a.bus() + "." + a.chipSelect();
                badges.attach(new BadgePoller(new Mfrc522(spi, where), s.badgePollInterval(), badges::tapped));
            } else {
                log.info("no [badges] configured: badge reader off");
            }
            gauges.start();
            indicators.refreshAll();
            log.info("hardware {}: {} bay(s) with LEDs, {} gauge(s), badge reader {}", simulated ? "simulated" : "pi4j",
                    lamps.size(), chips.size(), s.badges().isEmpty() ? "off" : "on");
            return new DockHardware(ctx, indicators, badges, gauges, situations, bays);
        } catch (RuntimeException e) {
            while (!started.isEmpty()) {
                closeQuietly(started.pop());
            }
            throw e;
        }
    }

    private static DigitalOutput led(Context ctx, int bay, String colour, int gpio) {
        return ctx.create(DigitalOutput.newConfigBuilder(ctx).id("bay" + bay + "-" + colour)
                .name("bay " + bay + " " + colour + " LED").address(gpio)
                .initial(DigitalState.LOW).shutdown(DigitalState.LOW));
    }

    public BayIndicators indicators() {
        return indicators;
    }

    public BadgeReader badges() {
        return badges;
    }

    public BatteryGauges gauges() {
        return gauges;
    }

    /** The bay's situation as the lights see it: what {@code bays/{n}/state} should show. */
    public BaySituation situation(int bay) {
        if (!bays.contains(bay)) {
            throw new IllegalArgumentException("bay " + bay + " is not configured");
        }
        return situations.of(bay);
    }

    /** The Pi4J context; empty with hardware = "none". */
    Optional<Context> pi4j() {
        return Optional.ofNullable(context);
    }

    /** Stops the reader, gauge and blink threads, turns the LEDs off and shuts Pi4J down. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(badges);
        closeQuietly(gauges);
        closeQuietly(indicators);
        if (context != null) {
            try {
                context.shutdown();
            } catch (RuntimeException e) {
                log.warn("Pi4J shutdown: {}", e.toString());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
