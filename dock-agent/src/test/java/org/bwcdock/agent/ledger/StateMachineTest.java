package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.EventClass;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StateMachineTest {
    @TempDir
    Path dir;
    Ledger ledger;

    @BeforeEach
    void open() {
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
        ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "SER1", false));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    /** Shortest legal path from DISCOVERED to every state, so a file can be put into any state. */
    static Map<FileState, List<FileState>> pathsFromDiscovered() {
        Map<FileState, List<FileState>> paths = new EnumMap<>(FileState.class);
        paths.put(FileState.DISCOVERED, List.of());
        ArrayDeque<FileState> queue = new ArrayDeque<>(List.of(FileState.DISCOVERED));
        while (!queue.isEmpty()) {
            FileState s = queue.poll();
            for (FileState next : s.successors()) {
                if (!paths.containsKey(next)) {
                    List<FileState> p = new ArrayList<>(paths.get(s));
                    p.add(next);
                    paths.put(next, p);
                    queue.add(next);
                }
            }
        }
        return paths;
    }

    private long fileIn(FileState state, String name) {
        long id = ledger.discover("BWC-1", name, 10, 1);
        FileState at = FileState.DISCOVERED;
        for (FileState next : pathsFromDiscovered().get(state)) {
            if (at == FileState.INGESTING && next == FileState.INGESTED) {
                ledger.recordIngest(id, "ab".repeat(32), List.of(), new byte[] {1}, new byte[] {2});
            } else if (at == FileState.UPLOADED && next == FileState.RECEIPTED) {
                ledger.recordReceipt(id, new byte[] {3});
            } else {
                ledger.transition(id, at, next, "test");
            }
            at = next;
        }
        assertEquals(state, ledger.file(id).orElseThrow().state());
        return id;
    }

    static Stream<Arguments> illegalMoves() {
        return Arrays.stream(FileState.values()).flatMap(from -> Arrays.stream(FileState.values())
                .filter(to -> !from.canMoveTo(to)).map(to -> Arguments.of(from, to)));
    }

    static Stream<Arguments> legalMoves() {
        return Arrays.stream(FileState.values()).flatMap(from -> from.successors().stream().map(to -> Arguments.of(from, to)));
    }

    @Test
    void everyStateIsReachable() {
        assertEquals(FileState.values().length, pathsFromDiscovered().size());
    }

    @ParameterizedTest(name = "{0} → {1} is refused")
    @MethodSource("illegalMoves")
    void illegalTransitionIsRejected(FileState from, FileState to) {
        long id = fileIn(from, "f.mp4");
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> ledger.transition(id, from, to, "test"));
        assertTrue(e.getMessage().contains("file " + id), e.getMessage());
        assertEquals(from, ledger.file(id).orElseThrow().state(), "state unchanged");
    }

    @ParameterizedTest(name = "{0} → {1} is allowed")
    @MethodSource("legalMoves")
    void legalTransitionIsAccepted(FileState from, FileState to) {
        long id = fileIn(from, "f.mp4");
        ledger.transition(id, from, to, "because");
        assertEquals(to, ledger.file(id).orElseThrow().state());
    }

    @Test
    void wrongFromStateIsRejectedEvenForAnAllowedMove() {
        long id = fileIn(FileState.INGESTED, "f.mp4");
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> ledger.transition(id, FileState.DISCOVERED, FileState.INGESTING, null));
        assertTrue(e.getMessage().contains("is INGESTED, not DISCOVERED"), e.getMessage());
        assertEquals(FileState.INGESTED, ledger.file(id).orElseThrow().state());
    }

    @Test
    void unknownFileIsRejected() {
        IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
                () -> ledger.transition(999, FileState.DISCOVERED, FileState.INGESTING, null));
        assertTrue(e.getMessage().contains("file 999 is not in the ledger"), e.getMessage());
    }

    @Test
    void receiptOnlyFromUploaded() {
        long id = fileIn(FileState.UPLOADING, "f.mp4");
        assertThrows(IllegalTransitionException.class, () -> ledger.recordReceipt(id, new byte[] {1}));
        assertTrue(ledger.receipt(id).isEmpty(), "a refused receipt is not stored");
    }

    @Test
    void everyStateChangeIsAuditedAndEvented() {
        long before = ledger.pendingEventCount();
        long id = fileIn(FileState.INGESTING, "g.mp4");
        ledger.transition(id, FileState.INGESTING, FileState.QUARANTINED, "read failed at byte 4096");
        var file = ledger.file(id).orElseThrow();
        assertEquals("read failed at byte 4096", file.reason());
        assertEquals(before + 3, ledger.pendingEventCount(), "discovered, ingesting, quarantined");
        assertTrue(ledger.pendingEvents(100).stream().anyMatch(e -> e.type().equals("evidence-state")
                && e.payloadJson().contains("\"to\":\"QUARANTINED\"") && e.eventClass() == EventClass.EVIDENCE));
        assertTrue(ledger.verifyAudit().ok());
    }

    @Test
    void discoverIsIdempotent() {
        long a = ledger.discover("BWC-1", "DCIM/a.mp4", 100, 5);
        long b = ledger.discover("BWC-1", "DCIM/a.mp4", 100, 5);
        long c = ledger.discover("BWC-1", "DCIM/a.mp4", 101, 5);
        assertEquals(a, b);
        assertTrue(c != a, "a changed file is a new evidence file");
    }

    @Test
    void ingestPartsAndUploadProgressRoundTrip() {
        long id = fileIn(FileState.INGESTING, "h.mp4");
        List<PartRecord> parts = List.of(
                new PartRecord(0, 0, 64, "aa", "bb", 120, "f" + id + "-p0.cms", null, 0),
                new PartRecord(1, 64, 10, "cc", "dd", 60, "f" + id + "-p1.cms", null, 0));
        ledger.recordIngest(id, "ee", parts, "{}".getBytes(), new byte[] {9});
        assertEquals(parts, ledger.parts(id));
        ledger.recordPartUpload(id, 1, "https://r/uploads/7", 30);
        assertEquals("https://r/uploads/7", ledger.parts(id).get(1).uploadUrl());
        assertEquals(30, ledger.parts(id).get(1).confirmedOffset());
        assertEquals("ee", ledger.file(id).orElseThrow().plaintextSha256());
        assertEquals("{}", new String(ledger.manifest(id).orElseThrow()));
        assertArrayEquals(new byte[] {9}, ledger.manifestSignature(id).orElseThrow(), "the signature the upload commits");
    }

    /** A failed file has no trusted spool state left: it starts over from DISCOVERED, never jumps back to INGESTED. */
    @Test
    void aFailedFileStartsOver() {
        assertEquals(java.util.Set.of(FileState.DISCOVERED), FileState.FAILED.successors());
        long id = fileIn(FileState.FAILED, "g.mp4");
        assertThrows(IllegalTransitionException.class, () -> ledger.transition(id, FileState.FAILED, FileState.INGESTED, "x"));
    }

    @Test
    void assigningAgainEndsTheFirstAssignment() {
        ledger.assign("BWC-1", "officer-1", "mqtt");
        ledger.assign("BWC-1", "officer-2", "badge");
        assertEquals("officer-2", ledger.currentAssignment("BWC-1").orElseThrow().officerId());
        ledger.unassign("BWC-1", "mqtt");
        assertTrue(ledger.currentAssignment("BWC-1").isEmpty());
    }

    @Test
    void legalHoldOnUnknownCameraIsRefused() {
        assertThrows(LedgerException.class, () -> ledger.setLegalHold("nobody", true, "mqtt"));
        ledger.setLegalHold("BWC-1", true, "mqtt");
        assertTrue(ledger.camera("BWC-1").orElseThrow().legalHold());
    }
}
