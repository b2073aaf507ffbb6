package org.bwcdock.sandbox.upload;

import org.bwcdock.receiver.Faults;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Faults handed out in order to requests with a matching method; it also notes when each request came. */
final class QueuedFaults implements Faults {
    private record Entry(String method, Fault fault) {
    }

    private record Arrival(String method, long nanos) {
    }

    private final Deque<Entry> queue = new ArrayDeque<>();
    private final List<Arrival> arrivals = new ArrayList<>();

    synchronized QueuedFaults add(String method, Fault fault) {
        queue.add(new Entry(method, fault));
        return this;
    }

    synchronized QueuedFaults add(String method, Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            add(method, fault);
        }
        return this;
    }

    /** When each request with {@code method} came ({@link System#nanoTime()}), in order. */
    synchronized List<Long> arrivals(String method) {
        return arrivals.stream().filter(a -> a.method().equals(method)).map(Arrival::nanos).toList();
    }

    @Override
    public synchronized Fault next(String method, String path) {
        arrivals.add(new Arrival(method, System.nanoTime()));
        Entry e = queue.peek();
        if (e != null && e.method().equals(method) && !path.equals("/commit")) {
            queue.poll();
            return e.fault();
        }
        return null;
    }
}
