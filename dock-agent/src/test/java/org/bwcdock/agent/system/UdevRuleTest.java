package org.bwcdock.agent.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bay-port lockdown rule (systemd/71-bwcdock-bay-lockdown.rules) through the real udev rule
 * engine, without udevd: {@code udevadm test} (systemd 252) processes an "add" of a USB device that
 * umockdev fakes in /sys, with hand-made raw descriptors, so that udev's own usb_id builtin computes
 * ID_USB_INTERFACES. It runs in a private mount namespace whose rules directories hold only this
 * rule (and whose /run/udev is a tmpfs: udevadm test writes its database there), with the helper and
 * the example agent.toml (bays on 1-1.1 .. 1-1.4) from the source tree. What it cannot show: the
 * kernel's reaction to authorized=0, and udevd's timing on a real hub.
 */
@Timeout(120)
class UdevRuleTest {
    static final Path RULE = Path.of("../systemd/71-bwcdock-bay-lockdown.rules");
    static final Path HELPER = Path.of("src/deb/bay-port");
    static final Path CONFIG = Path.of("../systemd/agent.toml");
    static final String SHIPPED_PROGRAM = "PROGRAM==\"/usr/lib/bwcdock/bay-port %k\"";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1} with interface classes {2}: authorized={3}")
    @CsvSource({
            "add,    1-1.2, 03,    0", // a keyboard on a bay port
            "add,    1-1.1, 08 03, 0", // the BadUSB camera: mass storage + HID
            "add,    1-1.3, 02 0a, 0", // a CDC network adapter
            "add,    1-1.4, e0,    0", // a wireless (Bluetooth) adapter
            "add,    1-1.1, 09,    0", // a hub: the ports behind it would be no bay's
            "add,    1-1.4, 08 ff, 0", // mass storage with a vendor-specific interface
            "add,    1-1.2, 08,    1", // a camera: mass storage only
            "add,    1-1.2, 08 08, 1",
            "add,    1-1.5, 03,    1", // a keyboard on a port of no bay (a service port)
            "add,    1-1,   03,    1", // the hub port above the bays: not a bay, even though a prefix of one
            "change, 1-1.2, 03,    1", // only "add" is acted on
    })
    void theRuleDeauthorisesExactlyNonStorageDevicesOnBayPorts(String action, String port, String classes, String expected)
            throws Exception {
        String[] c = classes.split(" ");
        String out = udevadmTest(action, port, c);
        assertEquals(expected, lastLine(out), out);
        assertEquals(expected.equals("0"), out.contains("BWCDOCK_BAY_LOCKDOWN=1"), out);
        if (action.equals("add")) { // usb_id lists each distinct class/subclass/protocol once
            String interfaces = java.util.Arrays.stream(c).distinct().map(x -> x + (x.equals("08") ? "0650:" : "0000:"))
                    .collect(java.util.stream.Collectors.joining("", ":", ""));
            assertTrue(out.contains("ID_USB_INTERFACES=" + interfaces + "\n"), "udev's usb_id saw " + interfaces + ":\n" + out);
        }
    }

    @Test
    void theShippedRuleCallsTheShippedHelper() throws Exception {
        String rule = Files.readString(RULE);
        assertEquals(1, rule.split(java.util.regex.Pattern.quote(SHIPPED_PROGRAM), -1).length - 1, rule);
        assertTrue(rule.contains("ATTR{authorized}=\"0\""), rule);
        // DebPackageIT checks ./usr/lib/bwcdock/bay-port (0755) and ./lib/udev/rules.d/71-bwcdock-bay-lockdown.rules are in the .deb.
    }

    @ParameterizedTest(name = "{0} in ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "1-1.2 | usbPort = \"1-1.2\"                               | 0",
            "1-1.2 | bays = [{ number = 1, usbPort = \"1-1.2\" }]       | 0",
            "1-1.2 | usbPort = '1-1.2'                                 | 0",
            "1-1.2 | # usbPort = \"1-1.2\"                             | 1",
            "1-1   | usbPort = \"1-1.2\"                               | 1",
            "1-1.2 | usbPort = \"1-1.20\"                              | 1",
            "1-1.2 | usbPort = \"1-1x2\"                               | 1",
            "1-1.* | usbPort = \"1-1.2\"                               | 1",
    })
    void theHelperKnowsExactlyTheConfiguredBayPorts(String port, String toml, int exit) throws Exception {
        Path config = Files.writeString(dir.resolve("agent.toml"), "dockId = \"d\"\n" + toml + "\n");
        Tools.Result r = Tools.run("sh", HELPER.toString(), port, config.toString());
        assertEquals(exit, r.exit(), r.output());
        assertEquals(1, Tools.run("sh", HELPER.toString(), "1-1.2", dir.resolve("missing.toml").toString()).exit(),
                "no config: no bay port");
    }

    /** Runs udevadm test on a umockdev device; prints the device's authorized attribute last. */
    private String udevadmTest(String action, String port, String... classes) throws Exception {
        Tools.require("umockdev-run");
        Tools.require("udevadm");
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the udev rule test needs root (unshare -m and bind mounts, as .ci/run runs the suite)");
        }
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String rule = Files.readString(RULE);
        assertTrue(rule.contains(SHIPPED_PROGRAM), rule);
        Files.writeString(rules.resolve(RULE.getFileName()), rule.replace(SHIPPED_PROGRAM,
                "PROGRAM==\"" + HELPER.toAbsolutePath().normalize() + " %k " + CONFIG.toAbsolutePath().normalize() + "\""));
        String devpath = "/devices/pci0000:00/0000:00:14.0/usb1/1-1/" + port;
        Path recording = Files.writeString(dir.resolve("device.umockdev"), recording(devpath, port, classes));
        String inner = "udevadm test --action=" + action + " " + devpath + " 2>&1; echo; cat /sys/bus/usb/devices/" + port + "/authorized";
        String outer = "set -e; for d in /etc/udev/rules.d /usr/local/lib/udev/rules.d; do [ ! -d \"$d\" ] || mount --bind "
                + empty + " \"$d\"; done; mount --bind " + rules + " /usr/lib/udev/rules.d; mount -t tmpfs tmpfs /run/udev; "
                + "exec umockdev-run -d " + recording + " -- sh -c '" + inner + "'";
        Tools.Result r = Tools.run("unshare", "-m", "--propagation", "private", "sh", "-c", outer);
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** A umockdev recording of one USB device with one interface per class, and its raw descriptors. */
    private static String recording(String devpath, String port, String... classes) {
        StringBuilder r = new StringBuilder();
        r.append("P: ").append(devpath).append('\n')
                .append("N: bus/usb/001/009\nE: DEVNAME=/dev/bus/usb/001/009\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n")
                .append("E: BUSNUM=001\nE: DEVNUM=009\nE: SUBSYSTEM=usb\n")
                .append("A: authorized=1\nA: idVendor=1234\nA: idProduct=5678\nA: bcdDevice=0100\nA: busnum=1\nA: devnum=9\n")
                .append("A: bConfigurationValue=1\n")
                .append("H: descriptors=").append(HexFormat.of().withUpperCase().formatHex(descriptors(classes))).append('\n');
        for (int i = 0; i < classes.length; i++) {
            r.append("\nP: ").append(devpath).append('/').append(port).append(":1.").append(i).append('\n')
                    .append("E: DEVTYPE=usb_interface\nE: SUBSYSTEM=usb\nA: bInterfaceClass=").append(classes[i]).append('\n');
        }
        return r.toString();
    }

    /**
     * Device descriptor, one configuration, one interface per class (mass storage as SCSI bulk-only,
     * 08/06/50), each with one endpoint: as on real devices (usb_id ignores an interface that ends the data).
     */
    private static byte[] descriptors(String... classes) {
        int total = 9 + (9 + 7) * classes.length;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {18, 1, 0, 2, 0, 0, 0, 64, 0x34, 0x12, 0x78, 0x56, 0, 1, 1, 2, 0, 1});
        b.writeBytes(new byte[] {9, 2, (byte) total, 0, (byte) classes.length, 1, 0, (byte) 0x80, 50});
        for (int i = 0; i < classes.length; i++) {
            int cls = Integer.parseInt(classes[i], 16);
            boolean storage = cls == 8;
            b.writeBytes(new byte[] {9, 4, (byte) i, 0, 1, (byte) cls, (byte) (storage ? 6 : 0), (byte) (storage ? 0x50 : 0), 0});
            b.writeBytes(new byte[] {7, 5, (byte) (0x81 + i), 2, 0, 2, 0});
        }
        return b.toByteArray();
    }
}
