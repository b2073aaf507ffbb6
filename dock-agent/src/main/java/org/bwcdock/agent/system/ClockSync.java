package org.bwcdock.agent.system;

import org.bwcdock.format.Manifest;

/**
 * How far the dock's own clock can be trusted right now: the kernel's NTP state, which every NTP
 * daemon (systemd-timesyncd, chrony, ntpd) keeps up to date and which {@code timedatectl} reports
 * as "System clock synchronized". Read from the kernel rather than a daemon's D-Bus API so that it
 * holds whichever daemon the site runs, and without systemd (docs/manifest.md, "Clock evidence").
 */
public interface ClockSync {
    Manifest.DockClock read();

    /** adjtimex(2) through libc; where libc cannot be called, every reading says "unavailable". */
    static ClockSync kernel() {
        return AdjtimexClockSync.load();
    }
}
