package org.bwcdock.receiver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Digests of complete uploads, the most recent few hundred, by upload id. A complete upload cannot
 * change any more (a PATCH past its length is refused), so a digest taken once holds until the
 * upload goes; a receiver that restarted, or never saw it, hashes the upload instead.
 */
final class CompleteDigests<D> {
    private static final int KEPT = 512;

    private final Map<String, D> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, D> eldest) {
            return size() > KEPT;
        }
    };

    synchronized Optional<D> get(String id) {
        return Optional.ofNullable(recent.get(id));
    }

    synchronized void put(String id, D digest) {
        recent.put(id, digest);
    }

    synchronized void forget(String id) {
        recent.remove(id);
    }
}
