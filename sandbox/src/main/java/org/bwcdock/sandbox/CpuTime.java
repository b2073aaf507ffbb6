package org.bwcdock.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user + system, every thread) of this JVM and of another process, for the bench's CPU bounds. */
final class CpuTime {
    /** Linux reports process times in clock ticks of 1/100 s (USER_HZ, fixed by the kernel's ABI). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuTime() {
    }

    static long thisJvmNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** From /proc/PID/stat (utime and stime, the 14th and 15th fields); 0 once the process is gone. */
    static long processNanos(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return 0;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    }
}
