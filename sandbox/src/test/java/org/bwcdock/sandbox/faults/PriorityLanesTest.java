package org.bwcdock.sandbox.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four cameras docked behind a 10 Mbit/s link: the camera on legal hold uploads first, then the
 * camera the back office flagged with {@code cmd/prioritise} (sent over MQTT like any command), then
 * the rest, oldest first. The order is read from the audit log's receipts.
 */
@Timeout(240)
class PriorityLanesTest {
    private static final long[] SIZES = {1_500_000, 1_500_000};
    private static final long TEN_MBIT = 1_250_000;

    @Test
    void heldThenFlaggedThenTheRest(@TempDir Path work) throws Exception {
        try (Shift shift = Shift.start(work, Site.AgentOptions.DEFAULT, Clock.systemUTC())) {
            Site site = shift.site();
            List<Site.Camera> cameras = shift.cameras();
            Map<String, String> before = shift.footage(SIZES);
            site.receiverProxy().throttle(TEN_MBIT);
            Shift.await("the dock online for the back office", Shift.COMPLETE, () -> site.office().firstOnline().isPresent(),
                    () -> "no online status yet");
            assertOk(site.office().command("pause", Map.of(), Duration.ofSeconds(20)));
            shift.dockAll();
            Shift.await("every file ingested", Shift.COMPLETE, () -> shift.files().size() == before.size()
                    && shift.files().stream().allMatch(f -> f.state() == FileState.INGESTED), shift::describe);

            String held = cameras.get(3).serial();
            String flagged = cameras.get(1).serial();
            shift.agent().ledger().setLegalHold(held, true, "test");
            assertOk(site.office().command("prioritise", Map.of("cameraId", flagged), Duration.ofSeconds(20)));
            assertOk(site.office().command("resume", Map.of(), Duration.ofSeconds(20)));

            Shift.await("every file receipted", Duration.ofSeconds(120), () -> receiptOrder(shift).size() == before.size(),
                    shift::describe);
            List<String> order = receiptOrder(shift).stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
            assertEquals(List.of(held, held), order.subList(0, 2), "legal hold first; receipts in order: " + order);
            assertEquals(List.of(flagged, flagged), order.subList(2, 4), "then the flagged camera; receipts in order: " + order);
            assertTrue(order.subList(4, order.size()).stream().noneMatch(c -> c.equals(held) || c.equals(flagged)), order::toString);
        }
    }

    private static void assertOk(JsonNode reply) {
        assertTrue(reply.path("ok").asBoolean(), "the dock refused: " + reply);
    }

    /** "camera:path" of every receipt, in the order the ledger recorded them. */
    private static List<String> receiptOrder(Shift shift) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + shift.ledgerFile() + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT subject FROM audit WHERE action = 'file-receipted' ORDER BY seq")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
