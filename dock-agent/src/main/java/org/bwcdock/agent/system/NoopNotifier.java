package org.bwcdock.agent.system;

import java.time.Duration;
import java.util.Optional;

/** Not started by systemd (tests, the sandbox, a shell): nothing to tell. */
final class NoopNotifier implements SystemdNotifier {
    @Override
    public void ready() {
    }

    @Override
    public void status(String text) {
    }

    @Override
    public void watchdog() {
    }

    @Override
    public void stopping() {
    }

    @Override
    public Optional<Duration> watchdogInterval() {
        return Optional.empty();
    }
}
