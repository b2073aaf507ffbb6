package org.bwcdock.agent.hardware;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.Defaults;
import org.bwcdock.agent.config.HardwareRules;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the hardware parts need, validated at construction. {@link #from(AgentConfig)} builds
 * it from the dock's config with the defaults below.
 *
 * @param badges badge UID (upper-case hex) → officer id; an empty map turns the badge reader off
 * @param minimumBatteryPercent a camera below this is not handed out on a badge tap
 * @param badgeReader where the MFRC522 sits
 * @param blinkInterval half a blink period; also how often timed patterns are checked for their end
 * @param badgePollInterval how often the reader is asked for a card
 * @param gaugePollInterval how often every gauge is read
 * @param pickupTimeout how long a bay blinks for a badge before the pickup lapses
 * @param refusalDuration how long the refusal pattern shows after a refused tap
 * @param gpioChip the gpiod chip for the LEDs (Pi 5 on older kernels: "gpiochip4"); empty: Pi4J's default
 */
public record HardwareSettings(AgentConfig.Hardware mode, List<BayWiring> bays, Map<String, String> badges,
                               int minimumBatteryPercent, SpiAddress badgeReader, Duration blinkInterval,
                               Duration badgePollInterval, Duration gaugePollInterval, Duration pickupTimeout,
                               Duration refusalDuration, Optional<String> gpioChip) {

    public HardwareSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(badgeReader, "badgeReader");
        Objects.requireNonNull(gpioChip, "gpioChip");
        bays = List.copyOf(bays);
        if (minimumBatteryPercent < 0 || minimumBatteryPercent > 100) {
            throw new IllegalArgumentException("minimumBatteryPercent must be 0..100, not " + minimumBatteryPercent);
        }
        positive("blinkInterval", blinkInterval);
        positive("badgePollInterval", badgePollInterval);
        positive("gaugePollInterval", gaugePollInterval);
        positive("pickupTimeout", pickupTimeout);
        positive("refusalDuration", refusalDuration);
        Map<String, String> normalised = new TreeMap<>();
        for (Map.Entry<String, String> e : badges.entrySet()) {
            String uid = e.getKey().toUpperCase(Locale.ROOT);
            HardwareRules.badgeUidProblem(uid).ifPresent(p -> {
                throw new IllegalArgumentException("badges: " + p);
            });
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException("badges: " + uid + " has no officer id");
            }
            normalised.put(uid, e.getValue());
        }
        badges = Map.copyOf(normalised);
        checkWiring(bays);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
        }
    }

    private static void checkWiring(List<BayWiring> bays) {
        Map<Integer, String> pins = new HashMap<>();
        Map<String, Integer> gauges = new HashMap<>();
        Set<Integer> numbers = new java.util.HashSet<>();
        for (BayWiring b : bays) {
            if (!numbers.add(b.bay())) {
                throw new IllegalArgumentException("bay " + b.bay() + " is wired twice");
            }
            b.leds().ifPresent(l -> {
                int[] gpio = {l.green(), l.amber(), l.red()};
                String[] colour = {"green", "amber", "red"};
                for (int i = 0; i < 3; i++) {
                    String where = "bays[" + b.bay() + "].leds." + colour[i];
                    HardwareRules.ledGpioProblem(gpio[i]).ifPresent(p -> {
                        throw new IllegalArgumentException(where + ": " + p);
                    });
                    String previous = pins.putIfAbsent(gpio[i], where);
                    if (previous != null) {
                        throw new IllegalArgumentException(where + ": GPIO " + gpio[i] + " is already " + previous);
                    }
                }
            });
            b.gauge().ifPresent(g -> {
                Integer previous = gauges.putIfAbsent(g.bus() + ":" + g.address(), b.bay());
                if (previous != null) {
                    throw new IllegalArgumentException("bays[" + b.bay() + "].batteryGauge.address: i2c-" + g.bus() + " address 0x"
                            + Integer.toHexString(g.address()) + " is already bays[" + previous + "].batteryGauge");
                }
            });
        }
    }

    /** The dock config with the fixed timings and the badge reader's place from {@link Defaults}. */
    public static HardwareSettings from(AgentConfig config) {
        List<BayWiring> bays = config.bays().stream()
                .map(b -> new BayWiring(b.number(),
                        b.leds().map(l -> new Leds(l.green(), l.amber(), l.red())),
                        b.batteryGauge().map(g -> new GaugeAddress(g.chip(), g.bus(), g.address()))))
                .toList();
        return new HardwareSettings(config.hardware(), bays, config.badges(), config.policy().minimumBatteryPercent(),
                new SpiAddress(Defaults.BADGE_READER_SPI_BUS, Defaults.BADGE_READER_CHIP_SELECT, Defaults.BADGE_READER_BAUD),
                Defaults.BLINK_INTERVAL, Defaults.BADGE_POLL_INTERVAL, Defaults.GAUGE_POLL_INTERVAL,
                Defaults.PICKUP_TIMEOUT, Defaults.REFUSAL_DURATION, Optional.empty());
    }

    /** One bay's LEDs and gauge, either optional. */
    public record BayWiring(int bay, Optional<Leds> leds, Optional<GaugeAddress> gauge) {
        public BayWiring {
            if (bay < 1) {
                throw new IllegalArgumentException("bay must be >= 1, not " + bay);
            }
            Objects.requireNonNull(leds, "leds");
            Objects.requireNonNull(gauge, "gauge");
        }
    }

    /** BCM GPIO numbers of a bay's LEDs ({@link HardwareRules#ledGpioProblem}), all different. */
    public record Leds(int green, int amber, int red) {
        public Leds {
            for (int p : new int[]{green, amber, red}) {
                if (p < 0 || p > HardwareRules.MAX_GPIO) {
                    throw new IllegalArgumentException("LED " + HardwareRules.ledGpioProblem(p).orElseThrow());
                }
            }
            if (green == amber || green == red || amber == red) {
                throw new IllegalArgumentException("LEDs green/amber/red must be on different GPIOs, not " + green + "/" + amber + "/" + red);
            }
        }
    }

    /** A fuel-gauge chip on an I2C bus at a 7-bit address ({@link HardwareRules}; a MAX17048 is 0x36). */
    public record GaugeAddress(AgentConfig.GaugeChip chip, int bus, int address) {
        /** The default chip ({@link Defaults#GAUGE_CHIP}). */
        public GaugeAddress(int bus, int address) {
            this(Defaults.GAUGE_CHIP, bus, address);
        }

        public GaugeAddress {
            Objects.requireNonNull(chip, "chip");
            HardwareRules.i2cBusProblem(bus).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
            HardwareRules.i2cAddressProblem(address).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
        }
    }

    /** SPI bus, chip select and clock of the badge reader (the MFRC522 takes up to 10 MHz). */
    public record SpiAddress(int bus, int chipSelect, int baud) {
        public SpiAddress {
            if (bus < 0 || bus > 6) {
                throw new IllegalArgumentException("SPI bus " + bus + " does not exist (0..6)");
            }
            if (chipSelect < 0 || chipSelect > 2) {
                throw new IllegalArgumentException("SPI chip select " + chipSelect + " does not exist (0..2)");
            }
            if (baud < 10_000 || baud > 10_000_000) {
                throw new IllegalArgumentException("SPI clock " + baud + " Hz is outside the MFRC522's range (10 kHz..10 MHz)");
            }
        }
    }
}
