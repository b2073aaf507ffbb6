package org.bwcdock.agent.config;

import org.junit.jupiter.params.provider.Arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Every invalid agent.toml the tests know, one thing wrong in each, with the problem it must
 * produce. {@code ConfigLoaderTest} feeds them to the loader, {@code CheckConfigMatchesRunTest}
 * to both commands.
 */
public final class InvalidConfigs {
    private InvalidConfigs() {
    }

    /** A minimal valid config; each invalid case edits one thing in it. */
    public static final String VALID = """
            dockId = "dock-7"
            hardware = "pi4j"
            stateDirectory = "state"

            [identity]
            certificate = "dock.crt"
            privateKey = "dock.key"

            [spool]
            directory = "spool"
            quota = "1 GiB"
            partSize = "8 MiB"

            [[bays]]
            number = 1
            usbPort = "1-1.1"

            [[bays]]
            number = 2
            usbPort = "1-1.2"
            leds = { green = 5, amber = 6, red = 13 }

            [[cameraProfiles]]
            name = "generic"
            usbIds = ["2a3b:0001"]
            footage = ["DCIM/**/*.MP4"]

            [mqtt]
            brokers = ["ssl://mqtt.example:8883"]
            trustAnchors = "ca.pem"

            [evidence]
            url = "https://evidence.example/uploads/"
            trustAnchors = "ca.pem"
            recipients = ["recipient.pem"]
            receiptSigners = "ca.pem"
            """;

    /** The files {@link #VALID} names, in {@code dir}. */
    public static void writeFiles(Path dir) throws Exception {
        Files.writeString(dir.resolve("dock.crt"), "-----BEGIN CERTIFICATE-----\n");
        // The recipients and receipt signers are read and checked for their roles at load: real ones.
        org.bwcdock.testing.ThrowawayPki pki = new org.bwcdock.testing.ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        Files.copy(pki.caFile(), dir.resolve("ca.pem"));
        Files.copy(pki.issue("recipient", org.bwcdock.testing.ThrowawayPki.Kind.EC, org.bwcdock.testing.ThrowawayPki.Use.RECIPIENT)
                .certFile(), dir.resolve("recipient.pem"));
        Path key = Files.writeString(dir.resolve("dock.key"), "-----BEGIN PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    /** (name, toml, a problem the verdict must contain; %DIR% stands for the config's directory). */
    public static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("bad usb port", VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"x\""),
                        "bays[2].usbPort: \"x\" is not a USB port path like 1-1.2"),
                Arguments.of("duplicate bay number", VALID.replace("number = 2", "number = 1"),
                        "bays[entry 2].number: 1 is already used by bays[1]"),
                Arguments.of("duplicate usb port", VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"1-1.1\""),
                        "bays[2].usbPort: \"1-1.1\" is already used by bays[1].usbPort"),
                Arguments.of("bay number out of range", VALID.replace("number = 2", "number = 99"),
                        "bays[entry 2].number: 99 is out of range 1..64"),
                Arguments.of("unknown top-level key", VALID.replace("hardware = \"pi4j\"", "hardware = \"pi4j\"\ncolour = \"blue\""),
                        "colour: unknown key"),
                Arguments.of("camera share over the quota", VALID.replace("quota = \"1 GiB\"", "quota = \"1 GiB\"\ncameraShare = \"2 GiB\""),
                        "spool.cameraShare: 2147483648 bytes is larger than spool.quota (1073741824 bytes)"),
                Arguments.of("camera read pace without simulated cameras", VALID.replace("[[bays]]\nnumber = 1",
                        "[usb]\nsimulatedReadRate = \"40 MB\"\n\n[[bays]]\nnumber = 1"),
                        "usb.simulatedReadRate: only paces simulated cameras"),
                Arguments.of("upload window at a time that is no time of day", VALID
                                + "\n[[evidence.windows]]\nfrom = \"7am\"\nto = \"19:00\"\nrate = \"5 MB\"\n",
                        "evidence.windows[entry 1].from: \"7am\" is not a time of day like \"07:00\""),
                Arguments.of("overlapping upload windows", VALID
                                + "\n[[evidence.windows]]\nfrom = \"07:00\"\nto = \"19:00\"\nrate = \"5 MB\"\n"
                                + "\n[[evidence.windows]]\nfrom = \"18:00\"\nto = \"06:00\"\nrate = \"0\"\n",
                        "evidence.windows[entry 2].from: 18:00–06:00 closed overlaps the window 07:00–19:00"),
                Arguments.of("empty upload window", VALID
                                + "\n[[evidence.windows]]\nfrom = \"07:00\"\nto = \"07:00\"\nrate = \"5 MB\"\n",
                        "evidence.windows[entry 1].to: equals from"),
                Arguments.of("unknown nested key", VALID.replace("quota = \"1 GiB\"", "quota = \"1 GiB\"\nquotta = 3"),
                        "spool.quotta: unknown key"),
                Arguments.of("missing dock id", VALID.replace("dockId = \"dock-7\"\n", ""),
                        "dockId: missing (required)"),
                Arguments.of("dock id with a topic wildcard", VALID.replace("dock-7", "dock/+"),
                        "dockId: \"dock/+\" is not a dock id"),
                Arguments.of("bad size", VALID.replace("quota = \"1 GiB\"", "quota = \"lots\""),
                        "spool.quota: \"lots\" is not a size like \"64 MiB\""),
                Arguments.of("no encrypt threads", VALID.replace("partSize = \"8 MiB\"", "partSize = \"8 MiB\"\nencryptThreads = 0"),
                        "spool.encryptThreads: 0 is out of range 1..64"),
                Arguments.of("encrypt threads not a number", VALID.replace("partSize = \"8 MiB\"", "partSize = \"8 MiB\"\nencryptThreads = \"four\""),
                        "spool.encryptThreads: must be an integer"),
                Arguments.of("part larger than quota", VALID.replace("partSize = \"8 MiB\"", "partSize = \"1 GiB\"").replace("quota = \"1 GiB\"", "quota = \"16 MiB\""),
                        "spool.partSize: 1073741824 bytes is larger than spool.quota"),
                Arguments.of("wrong type", VALID.replace("number = 2", "number = \"two\""),
                        "bays[entry 2].number: must be an integer, not the string \"two\""),
                Arguments.of("unknown hardware", VALID.replace("hardware = \"pi4j\"", "hardware = \"arduino\""),
                        "hardware: \"arduino\" is not one of pi4j, simulated, none"),
                Arguments.of("bad usb id", VALID.replace("2a3b:0001", "2A3B-1"),
                        "cameraProfiles[entry 1].usbIds: \"2A3B-1\" is not a USB id"),
                Arguments.of("footage escaping the volume", VALID.replace("DCIM/**/*.MP4", "../etc/*"),
                        "cameraProfiles[entry 1].footage: \"../etc/*\" must be a path inside the camera volume"),
                Arguments.of("device-info without its file", VALID.replace("footage = [", "cameraId = \"device-info\"\nfootage = ["),
                        "cameraProfiles[entry 1].deviceInfoFile: missing (required when cameraId = \"device-info\")"),
                Arguments.of("device-info clock without its file", VALID.replace("footage = [", "clock = \"device-info\"\nfootage = ["),
                        "cameraProfiles[entry 1].deviceInfoFile: missing (required when clock = \"device-info\")"),
                Arguments.of("unknown clock source", VALID.replace("footage = [", "clock = \"gps\"\nfootage = ["),
                        "cameraProfiles[entry 1].clock: \"gps\" is not one of device-info, file-times, none"),
                Arguments.of("clock skew limit too small", VALID.replace("footage = [", "clockSkewLimit = \"1s\"\nfootage = ["),
                        "cameraProfiles[entry 1].clockSkewLimit: "),
                Arguments.of("plain mqtt off loopback", VALID.replace("ssl://mqtt.example:8883", "tcp://mqtt.example:1883"),
                        "mqtt.brokers: \"tcp://mqtt.example:1883\" is not encrypted: use ssl://"),
                Arguments.of("plain http off loopback", VALID.replace("https://evidence.example", "http://evidence.example"),
                        "evidence.url: \"http://evidence.example/uploads/\" is not encrypted: use https://"),
                Arguments.of("tsa over plain http off loopback", VALID
                                + "\n[evidence.tsa]\nurl = \"http://tsa.example/tsa\"\ncaCertificates = \"ca.pem\"\n",
                        "evidence.tsa.url: \"http://tsa.example/tsa\": plain http is allowed only to a loopback address; use https"),
                Arguments.of("tsa without its CA", VALID + "\n[evidence.tsa]\nurl = \"https://tsa.example/tsa\"\n",
                        "evidence.tsa.caCertificates: missing (required)"),
                Arguments.of("tsa CA file missing", VALID
                                + "\n[evidence.tsa]\nurl = \"https://tsa.example/tsa\"\ncaCertificates = \"tsa-ca.pem\"\n",
                        "evidence.tsa.caCertificates: %DIR%/tsa-ca.pem does not exist"),
                Arguments.of("tsa policy that is no OID", VALID
                                + "\n[evidence.tsa]\nurl = \"https://tsa.example/tsa\"\ncaCertificates = \"ca.pem\"\npolicy = \"gold\"\n",
                        "evidence.tsa.policy: \"gold\" is not an OID"),
                Arguments.of("tsa retry interval that is no duration", VALID
                                + "\n[evidence.tsa]\nurl = \"https://tsa.example/tsa\"\ncaCertificates = \"ca.pem\"\nretryInterval = \"soon\"\n",
                        "evidence.tsa.retryInterval: \"soon\" is not a duration"),
                Arguments.of("missing recipient file", VALID.replace("recipients = [\"recipient.pem\"]", "recipients = [\"nobody.pem\"]"),
                        "evidence.recipients: " + "%DIR%/nobody.pem does not exist"),
                Arguments.of("command clock skew over 15 minutes", VALID.replace("[mqtt]", "[mqtt]\ncommandClockSkew = \"1h\""),
                        "mqtt.commandClockSkew:"),
                Arguments.of("bad duration", VALID.replace("[mqtt]", "[mqtt]\nkeepAlive = \"often\""),
                        "mqtt.keepAlive: \"often\" is not a duration"),
                Arguments.of("same gpio twice", VALID.replace("red = 13", "red = 5"),
                        "bays[2].leds.red: GPIO 5 is already bays[2].leds.green"),
                Arguments.of("reserved gpio (the badge reader's SPI)", VALID.replace("green = 5", "green = 9"),
                        "bays[2].leds.green: GPIO 9 is SPI0 MISO (badge reader / gauges)"),
                Arguments.of("gpio beyond the 40-pin header", VALID.replace("red = 13", "red = 40"),
                        "bays[2].leds.red: GPIO 40 is not a BCM GPIO of the 40-pin header (0..27)"),
                Arguments.of("gpio a negative number", VALID.replace("red = 13", "red = -1"),
                        "bays[2].leds.red: GPIO -1 is not a BCM GPIO"),
                Arguments.of("same gpio on two bays", VALID.replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nleds = { green = 19, amber = 26, red = 5 }"),
                        "bays[2].leds.green: GPIO 5 is already bays[1].leds.red"),
                Arguments.of("leds missing a colour", VALID.replace(", red = 13", ""),
                        "bays[2].leds.red: missing (required)"),
                Arguments.of("i2c bus that does not exist", VALID.replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nbatteryGauge = { bus = 23, address = 0x36 }"),
                        "bays[1].batteryGauge.bus: I2C bus 23 does not exist (0..22)"),
                Arguments.of("reserved i2c address", VALID.replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nbatteryGauge = { bus = 1, address = 0x03 }"),
                        "bays[1].batteryGauge.address: I2C address 0x3 is reserved or out of range (0x08..0x77)"),
                Arguments.of("one gauge for two bays", VALID.replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nbatteryGauge = { bus = 1, address = 0x36 }")
                                .replace("usbPort = \"1-1.2\"", "usbPort = \"1-1.2\"\nbatteryGauge = { bus = 1, address = 0x36 }"),
                        "bays[2].batteryGauge.address: i2c-1 address 0x36 is already bays[1].batteryGauge"),
                Arguments.of("unknown key in a bay, named by its number", VALID.replace("usbPort = \"1-1.2\"", "usbPort = \"1-1.2\"\ncolour = 3"),
                        "bays[2].colour: unknown key"),
                Arguments.of("bad badge uid in lower case", VALID + "\n[badges]\n\"04a1b2c3\" = \"officer-1\"\n",
                        "badges.04a1b2c3: \"04a1b2c3\" is not a badge UID"),
                Arguments.of("gauge chip without a driver", VALID.replace("usbPort = \"1-1.1\"", "usbPort = \"1-1.1\"\nbatteryGauge = { chip = \"bq27441\", bus = 1, address = 0x55 }"),
                        "bays[1].batteryGauge.chip: \"bq27441\" is not one of max17048"),
                Arguments.of("unknown evidence sink", VALID.replace("[evidence]", "[evidence]\nsink = \"ftp\""),
                        "evidence.sink: \"ftp\" is not one of tus"),
                Arguments.of("evidence missing", VALID.substring(0, VALID.indexOf("[evidence]")),
                        "evidence: missing (required"),
                Arguments.of("no bays", VALID.replace("[[bays]]\nnumber = 1\nusbPort = \"1-1.1\"\n\n[[bays]]\nnumber = 2\nusbPort = \"1-1.2\"\nleds = { green = 5, amber = 6, red = 13 }\n", ""),
                        "bays: missing (required: at least one [[bays]] table)"),
                Arguments.of("bad badge uid", VALID + "\n[badges]\n\"zz\" = \"officer-1\"\n",
                        "badges.zz: \"zz\" is not a badge UID"),
                Arguments.of("not toml", "dockId = \"unterminated\n",
                        "line 1: not valid TOML"));
    }
}
