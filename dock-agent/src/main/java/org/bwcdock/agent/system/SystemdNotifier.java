package org.bwcdock.agent.system;

import java.time.Duration;
import java.util.Optional;

/**
 * Talks to systemd (Type=notify): ready, status lines, watchdog pings, stopping. Plain Java cannot
 * send a datagram to a UNIX socket, so the real one calls libsystemd's sd_notify through JNA.
 */
public interface SystemdNotifier {
    void ready();

    void status(String text);

    void watchdog();

    void stopping();

    /** Half of WatchdogSec, when systemd asked for pings from this process. */
    Optional<Duration> watchdogInterval();

    /** The libsystemd notifier when NOTIFY_SOCKET is set and libsystemd loads; otherwise one that does nothing. */
    static SystemdNotifier fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return new NoopNotifier();
        }
        return LibsystemdNotifier.load().map(n -> (SystemdNotifier) n).orElseGet(NoopNotifier::new);
    }
}
