package org.bwcdock.agent.usb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run under umockdev-run by {@link UmockdevTest}: the real watcher on the real paths /sys and /dev.
 * With the argument "lockdown" it waits for the bay port to be locked instead of a camera docking,
 * and prints the device's {@code authorized} attribute as the watcher left it.
 */
public final class UmockdevWatcherMain {
    private UmockdevWatcherMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean lockdown = args.length > 0 && args[0].equals("lockdown");
        CountDownLatch docked = new CountDownLatch(1);
        CountDownLatch locked = new CountDownLatch(1);
        try (CameraWatcher w = CameraWatcher.sysfs(new UsbSettings(Path.of("/sys"), Path.of("/dev"), Duration.ofSeconds(30),
                Duration.ofMillis(200), Map.of("1-1.2", 3), Map.of("2a3b:0001", "generic")), new CameraListener() {
                    @Override
                    public void docked(int bay, UsbDevice d, String profile) {
                        System.out.println("docked bay " + bay + " serial " + d.serial() + " " + d.blockName() + " port " + d.port());
                        docked.countDown();
                    }

                    @Override
                    public void undocked(int bay, UsbDevice d) {
                        System.out.println("undocked bay " + bay);
                    }

                    @Override
                    public void ignored(UsbDevice d, String reason) {
                        System.out.println("ignored " + reason);
                    }

                    @Override
                    public void portLocked(int bay, LockedDevice d) {
                        System.out.println("locked bay " + bay + " port " + d.port() + " " + d.vendorProduct() + " classes "
                                + d.interfaceClasses() + " deauthorized " + d.deauthorized());
                        locked.countDown();
                    }

                    @Override
                    public void portCleared(int bay, LockedDevice d) {
                        System.out.println("cleared bay " + bay);
                    }
                })) {
            w.start();
            if (lockdown) {
                boolean ok = locked.await(10, TimeUnit.SECONDS);
                System.out.println("authorized=" + java.nio.file.Files.readString(Path.of("/sys/bus/usb/devices/1-1.2/authorized")).trim());
                System.exit(ok ? 0 : 1);
            }
            System.exit(docked.await(10, TimeUnit.SECONDS) ? 0 : 1);
        }
    }
}
