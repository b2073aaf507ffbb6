package org.bwcdock.agent.system;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.bwcdock.format.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * adjtimex(2) with {@code modes = 0}: reads the kernel's clock discipline, changes nothing, needs no
 * privilege. Synchronised as timedated decides it: the call does not return TIME_ERROR and
 * STA_UNSYNC is clear (the kernel sets STA_UNSYNC itself when no daemon has disciplined the clock
 * for a while, and maxerror then grows to 16 s).
 */
final class AdjtimexClockSync implements ClockSync {
    private static final Logger log = LoggerFactory.getLogger(AdjtimexClockSync.class);
    private static final int TIME_ERROR = 5;
    private static final int STA_UNSYNC = 0x0040;
    /** struct timex is 208 bytes on 64-bit Linux, less on 32-bit; zeroed, so modes = 0 (read only). */
    private static final int TIMEX_BYTES = 512;
    private static final Manifest.DockClock UNAVAILABLE = new Manifest.DockClock("unavailable", false, -1, -1);

    interface Libc extends Library {
        int adjtimex(Pointer timex);
    }

    private final Libc libc;

    private AdjtimexClockSync(Libc libc) {
        this.libc = libc;
    }

    static ClockSync load() {
        try {
            return new AdjtimexClockSync(Native.load("c", Libc.class));
        } catch (UnsatisfiedLinkError e) {
            log.warn("libc cannot be loaded ({}); manifests will say the dock's clock state is unavailable", e.getMessage());
            return () -> UNAVAILABLE;
        }
    }

    @Override
    public Manifest.DockClock read() {
        try (Memory timex = new Memory(TIMEX_BYTES)) {
            timex.clear();
            int state = libc.adjtimex(timex);
            if (state < 0) {
                log.warn("adjtimex returned {}; the dock's clock state is unavailable", state);
                return UNAVAILABLE;
            }
            // struct timex starts: unsigned int modes; long offset, freq, maxerror, esterror; int status.
            // modes is padded to a long's alignment, so the longs sit at multiples of sizeof(long).
            long l = Native.LONG_SIZE;
            long maxError = timex.getNativeLong(3 * l).longValue();
            long estError = timex.getNativeLong(4 * l).longValue();
            int status = timex.getInt(5 * l);
            boolean synced = state != TIME_ERROR && (status & STA_UNSYNC) == 0;
            return new Manifest.DockClock("adjtimex", synced, maxError, estError);
        } catch (UnsatisfiedLinkError e) {
            log.warn("adjtimex is not available ({}); the dock's clock state is unavailable", e.getMessage());
            return UNAVAILABLE;
        }
    }
}
