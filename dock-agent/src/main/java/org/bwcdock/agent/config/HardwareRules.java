package org.bwcdock.agent.config;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What bay wiring and badge UIDs may be, stated once: the config loader names the key of a value
 * that breaks a rule, and the hardware settings refuse the same values when built in code. So
 * {@code check-config} and {@code run} cannot disagree about a pin.
 */
public final class HardwareRules {
    private HardwareRules() {
    }

    /** BCM GPIOs of the 40-pin header. */
    public static final int MAX_GPIO = 27;
    /** Linux numbers I2C adapters 0..22 on a Pi (i2c-0..i2c-22). */
    public static final int MAX_I2C_BUS = 22;
    /** 7-bit addresses outside the reserved blocks (0x00-0x07, 0x78-0x7F). */
    public static final int MIN_I2C_ADDRESS = 0x08;
    public static final int MAX_I2C_ADDRESS = 0x77;
    /** BCM GPIOs of I2C1 (gauges) and SPI0 (badge reader): never an LED. */
    public static final Map<Integer, String> RESERVED_GPIO = Map.of(
            2, "I2C1 SDA", 3, "I2C1 SCL", 7, "SPI0 CE1", 8, "SPI0 CE0", 9, "SPI0 MISO", 10, "SPI0 MOSI", 11, "SPI0 SCLK");
    /** 4, 7 or 10 bytes (single, double, triple size UIDs), upper-case hex. */
    private static final Pattern BADGE_UID = Pattern.compile("[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20}");

    /** Why {@code gpio} cannot drive an LED, or empty if it can. */
    public static Optional<String> ledGpioProblem(int gpio) {
        if (gpio < 0 || gpio > MAX_GPIO) {
            return Optional.of("GPIO " + gpio + " is not a BCM GPIO of the 40-pin header (0.." + MAX_GPIO + ")");
        }
        if (RESERVED_GPIO.containsKey(gpio)) {
            return Optional.of("GPIO " + gpio + " is " + RESERVED_GPIO.get(gpio) + " (badge reader / gauges)");
        }
        return Optional.empty();
    }

    public static Optional<String> i2cBusProblem(int bus) {
        return bus < 0 || bus > MAX_I2C_BUS
                ? Optional.of("I2C bus " + bus + " does not exist (0.." + MAX_I2C_BUS + ")")
                : Optional.empty();
    }

    public static Optional<String> i2cAddressProblem(int address) {
        return address < MIN_I2C_ADDRESS || address > MAX_I2C_ADDRESS
                ? Optional.of("I2C address 0x" + Integer.toHexString(address) + " is reserved or out of range (0x08..0x77)")
                : Optional.empty();
    }

    /** Why {@code uid} is not a badge UID as the reader reports it, or empty. */
    public static Optional<String> badgeUidProblem(String uid) {
        return uid != null && BADGE_UID.matcher(uid).matches()
                ? Optional.empty()
                : Optional.of("\"" + uid + "\" is not a badge UID (4, 7 or 10 bytes as upper-case hex)");
    }
}
