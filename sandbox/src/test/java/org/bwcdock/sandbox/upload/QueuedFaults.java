package org.bwcdock.sandbox.upload;

import org.bwcdock.receiver.Faults;
import java.util.ArrayDeque;
import java.util.Deque;

/** Faults handed out in order to requests with a matching method. */
final class QueuedFaults implements Faults {
    private record Entry(String method, Fault fault) {
    }

    private final Deque<Entry> queue = new ArrayDeque<>();

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

    @Override
    public synchronized Fault next(String method, String path) {
        Entry e = queue.peek();
        if (e != null && e.method().equals(method) && !path.equals("/commit")) {
            queue.poll();
            return e.fault();
        }
        return null;
    }
}
