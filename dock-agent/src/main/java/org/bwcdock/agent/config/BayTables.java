package org.bwcdock.agent.config;

import org.bwcdock.agent.config.AgentConfig.Bay;
import org.bwcdock.agent.config.AgentConfig.BatteryGauge;
import org.bwcdock.agent.config.AgentConfig.CameraClockSource;
import org.bwcdock.agent.config.AgentConfig.CameraIdSource;
import org.bwcdock.agent.config.AgentConfig.CameraProfile;
import org.bwcdock.agent.config.AgentConfig.GaugeChip;
import org.bwcdock.agent.config.AgentConfig.Leds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.bwcdock.agent.config.Values.quote;

/**
 * The arrays of tables: {@code [[bays]]} with their wiring, and {@code [[cameraProfiles]]}.
 *
 * <p>Naming: {@code bays[N]} in a message is always the bay whose {@code number = N}, never an
 * array index. An entry without a usable number is named by its position, {@code bays[entry 2]}
 * (counting from 1), as are camera profiles ({@code cameraProfiles[entry 1]}).
 */
final class BayTables {
    static final int MAX_BAYS = 64;
    private static final Pattern USB_PORT = Pattern.compile("[1-9][0-9]*-[1-9][0-9]*(\\.[1-9][0-9]*){0,6}");
    private static final Pattern USB_ID = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{4}");
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String[] COLOURS = {"green", "amber", "red"};

    private BayTables() {
    }

    static List<Bay> bays(Table root) {
        if (!root.has("bays")) {
            root.problem("bays", "missing (required: at least one [[bays]] table)");
            return List.of();
        }
        List<Table> tables = root.tables("bays");
        if (tables.size() > MAX_BAYS) {
            root.problem("bays", tables.size() + " bays; at most " + MAX_BAYS);
        }
        List<Bay> bays = new ArrayList<>();
        Map<Long, String> numbers = new HashMap<>();
        Map<String, String> ports = new HashMap<>();
        Map<Integer, String> pins = new HashMap<>();
        Map<String, String> gauges = new HashMap<>();
        for (Table t : tables) {
            Optional<Long> number = t.requiredInteger("number", 1, MAX_BAYS);
            if (number.isPresent()) {
                String name = "bays[" + number.get() + "]";
                if (numbers.putIfAbsent(number.get(), name) != null) {
                    t.problem("number", number.get() + " is already used by " + name);
                } else {
                    t.nameAs(name);
                }
            }
            Optional<String> port = t.requiredString("usbPort").map(v -> {
                if (!USB_PORT.matcher(v).matches()) {
                    t.problem("usbPort", quote(v) + " is not a USB port path like 1-1.2");
                } else {
                    String other = ports.putIfAbsent(v, t.keyPath("usbPort"));
                    if (other != null) {
                        t.problem("usbPort", quote(v) + " is already used by " + other);
                    }
                }
                return v;
            });
            Optional<Leds> leds = t.table("leds").map(l -> leds(l, pins));
            Optional<BatteryGauge> gauge = t.table("batteryGauge").map(g -> gauge(g, gauges));
            t.rejectUnknownKeys();
            if (number.isPresent() && port.isPresent()) {
                bays.add(new Bay(number.get().intValue(), port.get(), leds, gauge));
            }
        }
        return bays;
    }

    /** The rules of {@link HardwareRules}, one problem per colour; a GPIO serves one LED of one bay. */
    private static Leds leds(Table t, Map<Integer, String> usedPins) {
        int[] pin = new int[COLOURS.length];
        for (int i = 0; i < COLOURS.length; i++) {
            String colour = COLOURS[i];
            pin[i] = -1;
            Optional<Long> value = t.requiredInteger(colour, Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (value.isEmpty()) {
                continue; // missing or not an integer: already a problem
            }
            pin[i] = value.get().intValue();
            Optional<String> wrong = HardwareRules.ledGpioProblem(pin[i]);
            if (wrong.isPresent()) {
                t.problem(colour, wrong.get());
                continue;
            }
            String other = usedPins.putIfAbsent(pin[i], t.keyPath(colour));
            if (other != null) {
                t.problem(colour, "GPIO " + pin[i] + " is already " + other);
            }
        }
        t.rejectUnknownKeys();
        return new Leds(pin[0], pin[1], pin[2]);
    }

    private static BatteryGauge gauge(Table t, Map<String, String> usedAddresses) {
        GaugeChip chip = t.string("chip").map(v -> Values.choice(t, "chip", v, GaugeChip.values())).orElse(Defaults.GAUGE_CHIP);
        Optional<Integer> bus = t.requiredInteger("bus", Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue);
        Optional<Integer> address = t.requiredInteger("address", Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue);
        bus.flatMap(HardwareRules::i2cBusProblem).ifPresent(p -> t.problem("bus", p));
        address.flatMap(HardwareRules::i2cAddressProblem).ifPresent(p -> t.problem("address", p));
        if (bus.isPresent() && address.isPresent()) {
            String other = usedAddresses.putIfAbsent(bus.get() + ":" + address.get(), t.path());
            if (other != null) {
                t.problem("address", "i2c-" + bus.get() + " address 0x" + Integer.toHexString(address.get())
                        + " is already " + other);
            }
        }
        t.rejectUnknownKeys();
        return new BatteryGauge(chip, bus.orElse(-1), address.orElse(-1));
    }

    static List<CameraProfile> profiles(Table root) {
        if (!root.has("cameraProfiles")) {
            root.problem("cameraProfiles", "missing (required: at least one [[cameraProfiles]] table)");
            return List.of();
        }
        List<CameraProfile> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> usbIds = new HashMap<>();
        for (Table t : root.tables("cameraProfiles")) {
            String name = t.requiredString("name").map(v -> Values.matching(t, "name", v, PROFILE_NAME,
                    "is not a profile name (letters, digits, '.', '_', '-')")).orElse(null);
            if (name != null && names.putIfAbsent(name, t.keyPath("name")) != null) {
                t.problem("name", quote(name) + " is already used by " + names.get(name));
            }
            if (!t.has("usbIds")) {
                t.problem("usbIds", "missing (required: [\"vendor:product\", ...])");
            }
            List<String> ids = t.strings("usbIds");
            for (String id : ids) {
                if (!USB_ID.matcher(id).matches()) {
                    t.problem("usbIds", quote(id) + " is not a USB id like 2a3b:0001 (lower-case hex vendor:product)");
                } else if (usbIds.putIfAbsent(id, t.keyPath("usbIds")) != null) {
                    t.problem("usbIds", quote(id) + " is already claimed by " + usbIds.get(id));
                }
            }
            if (t.has("usbIds") && ids.isEmpty()) {
                t.problem("usbIds", "must list at least one vendor:product");
            }
            List<String> footage = t.strings("footage");
            if (footage.isEmpty()) {
                t.problem("footage", "missing (required: globs like \"DCIM/**/*.MP4\")");
            }
            for (String glob : footage) {
                Values.relative(t, "footage", glob);
            }
            long maxSize = t.string("maxFileSize").flatMap(v -> Values.size(t, "maxFileSize", v, 1, Long.MAX_VALUE))
                    .orElse(Defaults.MAX_FILE_SIZE_BYTES);
            CameraIdSource idSource = t.string("cameraId").map(v -> switch (v) {
                case "usb-serial" -> CameraIdSource.USB_SERIAL;
                case "device-info" -> CameraIdSource.DEVICE_INFO;
                default -> {
                    t.problem("cameraId", quote(v) + " is not one of usb-serial, device-info");
                    yield null;
                }
            }).orElse(Defaults.CAMERA_ID);
            Optional<String> info = t.string("deviceInfoFile").map(v -> Values.relative(t, "deviceInfoFile", v));
            if (idSource == CameraIdSource.DEVICE_INFO && info.isEmpty()) {
                t.problem("deviceInfoFile", "missing (required when cameraId = \"device-info\")");
            }
            CameraClockSource clock = t.string("clock").map(v -> switch (v) {
                case "device-info" -> CameraClockSource.DEVICE_INFO;
                case "file-times" -> CameraClockSource.FILE_TIMES;
                case "none" -> CameraClockSource.NONE;
                default -> {
                    t.problem("clock", quote(v) + " is not one of device-info, file-times, none");
                    yield null;
                }
            }).orElse(Defaults.CAMERA_CLOCK);
            if (clock == CameraClockSource.DEVICE_INFO && info.isEmpty()) {
                t.problem("deviceInfoFile", "missing (required when clock = \"device-info\")");
            }
            Duration skew = t.string("clockSkewLimit").flatMap(v -> Values.duration(t, "clockSkewLimit", v,
                    Duration.ofSeconds(2), Duration.ofDays(1))).orElse(Defaults.CAMERA_CLOCK_SKEW_LIMIT);
            t.rejectUnknownKeys();
            out.add(new CameraProfile(name, ids, footage, maxSize, idSource, info, clock, skew));
        }
        return out;
    }
}
