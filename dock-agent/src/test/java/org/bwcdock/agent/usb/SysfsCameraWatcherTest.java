package org.bwcdock.agent.usb;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SysfsCameraWatcherTest {
    static final String VENDOR = "2a3b";
    static final String PRODUCT = "0001";

    @TempDir
    Path dir;
    SimulatedUsb usb;
    CameraWatcher watcher;
    final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        usb = new SimulatedUsb(dir.resolve("sys"), dir.resolve("dev"));
        watcher = CameraWatcher.sysfs(new UsbSettings(usb.sysRoot(), usb.devRoot(), Duration.ofSeconds(30),
                Duration.ofMillis(300), Map.of("1-1.1", 1, "1-1.2", 2), Map.of(VENDOR + ":" + PRODUCT, "generic")),
                new CameraListener() {
                    @Override
                    public void docked(int bay, UsbDevice d, String profile) {
                        events.add("docked bay " + bay + " " + d.serial() + " " + profile + " " + d.blockName());
                    }

                    @Override
                    public void undocked(int bay, UsbDevice d) {
                        events.add("undocked bay " + bay + " " + d.serial());
                    }

                    @Override
                    public void ignored(UsbDevice d, String reason) {
                        events.add("ignored " + d.serial() + ": " + reason);
                    }

                    @Override
                    public void portLocked(int bay, LockedDevice d) {
                        events.add("locked bay " + bay + " " + d.port() + " " + d.vendorProduct() + " " + d.interfaceClasses()
                                + " deauthorized " + d.deauthorized());
                    }

                    @Override
                    public void portCleared(int bay, LockedDevice d) {
                        events.add("cleared bay " + bay + " " + d.port());
                    }
                });
        watcher.start();
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    /** The next event within 2 s (the acceptance bound). */
    private String next() throws InterruptedException {
        String e = events.poll(2, TimeUnit.SECONDS);
        assertNotNull(e, "no event within 2 s");
        return e;
    }

    /** No further event for a while: exactly the expected events, nothing more. */
    private void quiet() throws InterruptedException {
        assertNull(events.poll(700, TimeUnit.MILLISECONDS), "unexpected extra event");
    }

    /**
     * The unit's PrivateDevices=yes gives the agent a /dev without disks or udev's by-id links
     * (UnitFilesTest checks the unit keeps it): sysfs alone must still notice a camera promptly,
     * not only at the 30 s rescan.
     */
    @Test
    void dockAndUndockAreSeenFromSysfsAloneWithoutDevDiskById() throws Exception {
        String part = usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0042");
        org.bwcdock.format.io.FileTrees.delete(usb.devRoot()); // as PrivateDevices shows /dev: no disks, no links
        assertEquals("docked bay 1 CAM0042 generic " + part, next());
        quiet();
        usb.unplug("1-1.1");
        assertEquals("undocked bay 1 CAM0042", next());
    }

    @Test
    void dockThenUndock() throws Exception {
        String part = usb.plug("1-1.2", VENDOR, PRODUCT, "CAM0001");
        assertEquals("docked bay 2 CAM0001 generic " + part, next());
        quiet();
        usb.unplug("1-1.2");
        assertEquals("undocked bay 2 CAM0001", next());
        quiet();
    }

    @Test
    void reDockAfterLeavingIsReportedAgain() throws Exception {
        usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0001");
        assertEquals("docked bay 1 CAM0001 generic sdb1", next());
        usb.unplug("1-1.1");
        assertEquals("undocked bay 1 CAM0001", next());
        usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0001");
        assertTrue(next().startsWith("docked bay 1 CAM0001"));
        quiet();
    }

    @Test
    void reEnumerationWithinTheDebounceIsTheSameCamera() throws Exception {
        usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0001");
        assertTrue(next().startsWith("docked bay 1 CAM0001"));
        usb.unplug("1-1.1");
        usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0001"); // back under a new /dev name, at once
        quiet();
    }

    @Test
    void twoCamerasAtOnce() throws Exception {
        usb.plug("1-1.1", VENDOR, PRODUCT, "CAM0001");
        usb.plug("1-1.2", VENDOR, PRODUCT, "CAM0002");
        List<String> got = List.of(next(), next()).stream().sorted().toList();
        assertTrue(got.get(0).startsWith("docked bay 1 CAM0001"), got::toString);
        assertTrue(got.get(1).startsWith("docked bay 2 CAM0002"), got::toString);
        quiet();
    }

    @Test
    void unknownVendorIsReportedAndIgnored() throws Exception {
        usb.plug("1-1.1", "dead", "beef", "STICK1");
        assertEquals("ignored STICK1: USB id dead:beef is not in any camera profile", next());
        quiet();
    }

    @Test
    void unmappedPortIsReportedAndIgnored() throws Exception {
        usb.plug("1-1.4", VENDOR, PRODUCT, "CAM0009");
        assertEquals("ignored CAM0009: USB port 1-1.4 is not mapped to a bay", next());
        quiet();
    }

    @Test
    void aCameraPresentAtStartIsDocked(@TempDir Path other) throws Exception {
        watcher.close();
        usb.plug("1-1.2", VENDOR, PRODUCT, "CAM0003");
        events.clear();
        start();
        assertTrue(next().startsWith("docked bay 2 CAM0003"));
    }

    // ---- bay-port lockdown (BayPortGuard) -------------------------------------------------------

    /** Up to {@code seconds} for the next event (the udev grace is 2 s). */
    private String next(int seconds) throws InterruptedException {
        String e = events.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(e, "no event within " + seconds + " s");
        return e;
    }

    @Test
    void hidKeyboardOnABayPortIsDeauthorisedAndNeverDocked() throws Exception {
        usb.plugDevice("1-1.2", "046d", "c31c", null, true, "03");
        assertEquals("locked bay 2 1-1.2 046d:c31c [03] deauthorized true", next());
        assertEquals("0", usb.authorized("1-1.2"));
        quiet();
    }

    /** The "BadUSB camera": a known camera model whose storage comes with a keyboard. Its disk is never docked. */
    @Test
    void compositeMassStoragePlusHidCameraIsDeauthorisedAndNeverDocked() throws Exception {
        usb.plugComposite("1-1.1", VENDOR, PRODUCT, "EVIL01", "03");
        assertEquals("locked bay 1 1-1.1 2a3b:0001 [03, 08] deauthorized true", next());
        assertEquals("0", usb.authorized("1-1.1"));
        quiet(); // longer than the debounce: no "docked" for its disk, and no "ignored" either
    }

    @Test
    void networkAdapterAndWirelessOnBayPortsAreDeauthorised() throws Exception {
        usb.plugDevice("1-1.1", "0bda", "8152", "NET1", true, "02", "0a");
        assertEquals("locked bay 1 1-1.1 0bda:8152 [02, 0a] deauthorized true", next());
        usb.plugDevice("1-1.2", "0bda", "b720", null, true, "e0");
        assertEquals("locked bay 2 1-1.2 0bda:b720 [e0] deauthorized true", next());
        assertEquals("0", usb.authorized("1-1.1"));
        assertEquals("0", usb.authorized("1-1.2"));
        quiet();
    }

    @Test
    void pureMassStorageCameraIsLeftAuthorisedAndDocked() throws Exception {
        String part = usb.plug("1-1.2", VENDOR, PRODUCT, "CAM0001");
        assertEquals("docked bay 2 CAM0001 generic " + part, next());
        assertEquals("1", usb.authorized("1-1.2"));
        quiet();
    }

    @Test
    void hidOnAPortOfNoBayIsLeftAlone() throws Exception {
        usb.plugDevice("1-1.4", "046d", "c31c", null, true, "03");
        usb.plugComposite("1-1.3", "dead", "beef", "STICK2", "03");
        assertEquals("ignored STICK2: USB port 1-1.3 is not mapped to a bay", next()); // its disk, as before
        quiet();
        assertEquals("1", usb.authorized("1-1.4"));
        assertEquals("1", usb.authorized("1-1.3"));
    }

    @Test
    void lockdownIsOncePerAppearanceAndARePlugIsHandledAgain() throws Exception {
        usb.plugDevice("1-1.2", "046d", "c31c", null, true, "03");
        assertEquals("locked bay 2 1-1.2 046d:c31c [03] deauthorized true", next());
        watcher.rescan();
        quiet(); // nothing reported or written twice for the same device
        assertEquals("0", usb.authorized("1-1.2"));
        usb.unplug("1-1.2");
        assertEquals("cleared bay 2 1-1.2", next());
        usb.plugDevice("1-1.2", "046d", "c31c", null, true, "03");
        assertEquals("1", usb.authorized("1-1.2"), "a fresh device starts authorised");
        assertEquals("locked bay 2 1-1.2 046d:c31c [03] deauthorized true", next());
        assertEquals("0", usb.authorized("1-1.2"));
        quiet();
    }

    /** A re-enumeration without a gap the watcher could see (same sysfs path, a new device number) is a new appearance too. */
    @Test
    void aNewDeviceNumberWithoutAGapIsANewAppearance() throws Exception {
        usb.plugDevice("1-1.1", "046d", "c31c", null, true, "03");
        assertEquals("locked bay 1 1-1.1 046d:c31c [03] deauthorized true", next());
        usb.reEnumerate("1-1.1");
        assertEquals("cleared bay 1 1-1.1", next());
        assertEquals("locked bay 1 1-1.1 046d:c31c [03] deauthorized true", next());
        assertEquals("0", usb.authorized("1-1.1"));
        quiet();
    }

    /** What a dock sees: the udev rule de-authorised the device (and the kernel removed its interfaces) first. */
    @Test
    void aDeviceTheUdevRuleDeauthorisedIsReportedWithoutWriting() throws Exception {
        usb.plugDevice("1-1.1", "046d", "c31c", null, false, "03");
        assertEquals("locked bay 1 1-1.1 046d:c31c [] deauthorized true", next());
        quiet();
    }

    /** Neither the udev rule nor the agent could de-authorise: still reported (as such) after the grace, still never docked. */
    @Test
    void aDeviceNobodyCouldDeauthoriseIsReportedAndNeverDocked() throws Exception {
        watcher.close();
        usb.plugComposite("1-1.2", VENDOR, PRODUCT, "EVIL02", "03");
        usb.withoutAuthorizedAttribute("1-1.2");
        events.clear();
        start();
        assertEquals("locked bay 2 1-1.2 2a3b:0001 [03, 08] deauthorized false", next(5));
        quiet();
    }
}
