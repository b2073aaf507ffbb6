package org.bwcdock.sandbox;

import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.simulation.SimulatedBoard;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent as the scale benchmark runs it: its own JVM (with the heap limit under test), measuring
 * itself. On SIGTERM it stops the agent and writes what it used: CPU time, the peak heap in use
 * (sampled, and the heap pools' own peaks), the peak RSS and GC counts, as one line of key=value.
 */
public final class BenchAgent {
    private BenchAgent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BenchAgent AGENT.TOML REPORT");
            System.exit(2);
        }
        Path report = Path.of(args[1]);
        DockAgent agent = DockAgent.create(ConfigLoader.load(Path.of(args[0])), Clock.systemUTC(), new SimulatedBoard());
        AtomicLong peakUsed = new AtomicLong();
        CountDownLatch stop = new CountDownLatch(1);
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            try {
                while (!stop.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-heap-sampler");
        sampler.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stop.countDown();
            try {
                sampler.join(1_000);
                Files.writeString(report, measurements(peakUsed.get()));
            } catch (IOException | InterruptedException e) {
                System.err.println("bench agent: no report: " + e);
            }
        }, "bench-agent-stop"));
        agent.start();
    }

    private static String measurements(long sampledPeak) throws IOException {
        long poolPeaks = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                poolPeaks += p.getPeakUsage().getUsed();
            }
        }
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum();
        long hwmKb = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        return "cpuNanos=" + CpuTime.thisJvmNanos() + " heapPeakSampled=" + sampledPeak + " heapPoolPeaks=" + poolPeaks
                + " heapMax=" + Runtime.getRuntime().maxMemory() + " rssPeakKb=" + hwmKb + " gcs=" + gcs + "\n";
    }
}
