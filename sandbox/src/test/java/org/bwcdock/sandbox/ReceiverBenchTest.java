package org.bwcdock.sandbox;

import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's receiver rows (filesystem and S3 store) on a tiny shape: each runs, every dock gets its
 * receipts (deliver throws otherwise), it leaves nothing behind.
 */
@Timeout(180)
class ReceiverBenchTest {
    @ParameterizedTest
    @EnumSource(ReceiverBench.Store.class)
    void theReceiverRowDeliversEveryDocksPartsAndCleansUp(ReceiverBench.Store store, @TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        Path work = Files.createDirectories(dir.resolve("work"));
        List<Bench.Row> rows = ReceiverBench.run(work, pki, new ReceiverBench.Shape(2, 2, 1 << 20), store);
        assertEquals(2, rows.size());
        for (Bench.Row r : rows) {
            assertEquals(Bench.ROUNDS, r.seconds().size(), r.what());
            assertTrue(r.seconds().stream().allMatch(s -> s > 0), r.what());
            assertEquals(4L << 20, r.bytes());
            assertEquals(store == ReceiverBench.Store.S3, r.what().contains("S3 store"), r.what());
        }
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "parts, store (and bucket) removed");
        }
    }
}
