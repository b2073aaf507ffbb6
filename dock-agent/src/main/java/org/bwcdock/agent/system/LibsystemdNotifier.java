package org.bwcdock.agent.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/** sd_notify(3) through JNA: the datagram arrives with the JVM's own PID, as NotifyAccess=main wants. */
final class LibsystemdNotifier implements SystemdNotifier {
    private static final Logger log = LoggerFactory.getLogger(LibsystemdNotifier.class);

    interface Libsystemd extends Library {
        int sd_notify(int unsetEnvironment, String state);
    }

    private final Libsystemd lib;

    private LibsystemdNotifier(Libsystemd lib) {
        this.lib = lib;
    }

    static Optional<LibsystemdNotifier> load() {
        try {
            return Optional.of(new LibsystemdNotifier(Native.load("systemd", Libsystemd.class)));
        } catch (UnsatisfiedLinkError e) {
            log.warn("NOTIFY_SOCKET is set but libsystemd cannot be loaded ({}); systemd will not hear from the agent", e.getMessage());
            return Optional.empty();
        }
    }

    private void send(String state) {
        int r = lib.sd_notify(0, state);
        if (r < 0) {
            log.warn("sd_notify({}) failed: {}", state.lines().findFirst().orElse(""), r);
        }
    }

    @Override
    public void ready() {
        send("READY=1");
    }

    @Override
    public void status(String text) {
        send("STATUS=" + text.replace('\n', ' '));
    }

    @Override
    public void watchdog() {
        send("WATCHDOG=1");
    }

    @Override
    public void stopping() {
        send("STOPPING=1");
    }

    @Override
    public Optional<Duration> watchdogInterval() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
