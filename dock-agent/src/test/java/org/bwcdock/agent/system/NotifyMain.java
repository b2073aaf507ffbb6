package org.bwcdock.agent.system;

import java.util.concurrent.atomic.AtomicBoolean;

/** Forked by {@link SdNotifyTest} with NOTIFY_SOCKET set: ready, healthy pings, then unhealthy silence. */
public final class NotifyMain {
    private NotifyMain() {
    }

    public static void main(String[] args) throws Exception {
        SystemdNotifier n = SystemdNotifier.fromEnvironment();
        AtomicBoolean healthy = new AtomicBoolean(true);
        n.ready();
        try (Watchdog w = Watchdog.start(n, n.watchdogInterval().orElseThrow(), healthy::get)) {
            // Wait for the test's word, so that the test decides when health fails.
            System.in.read();
            healthy.set(false);
            System.out.println("UNHEALTHY");
            System.out.flush();
            System.in.read();
        }
        n.stopping();
    }
}
