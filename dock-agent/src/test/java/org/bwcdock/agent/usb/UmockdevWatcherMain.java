package org.bwcdock.agent.usb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Run under umockdev-run by {@link UmockdevTest}: the real watcher on the real paths /sys and /dev. */
public final class UmockdevWatcherMain {
    private UmockdevWatcherMain() {
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch docked = new CountDownLatch(1);
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
                })) {
            w.start();
            System.exit(docked.await(10, TimeUnit.SECONDS) ? 0 : 1);
        }
    }
}
