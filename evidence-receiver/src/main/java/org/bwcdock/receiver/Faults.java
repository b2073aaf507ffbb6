package org.bwcdock.receiver;

/**
 * Fault injection for tests: consulted before each request. Production uses {@link #NONE}.
 * Lets a test make the real receiver answer 409, 460 or 503, reset a connection mid-body, or lie
 * about an offset, without mocking the client.
 */
public interface Faults {
    Faults NONE = (method, path) -> null;

    /** The fault for this request, or null for normal service. */
    Fault next(String method, String path);

    sealed interface Fault permits Status, ResetAfter, LieOffset {
    }

    /** Answer with this status and no side effect; with a {@code Retry-After} header if {@code retryAfter} is not null. */
    record Status(int code, String retryAfter) implements Fault {
        public Status(int code) {
            this(code, null);
        }
    }

    /** Take this many bytes of a PATCH body, store them, then drop the connection without an answer. */
    record ResetAfter(long bytes) implements Fault {
    }

    /** Answer a HEAD with this offset instead of the true one. */
    record LieOffset(long offset) implements Fault {
    }
}
