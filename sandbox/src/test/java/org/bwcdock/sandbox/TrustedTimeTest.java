package org.bwcdock.sandbox;

import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.testing.Openssl;
import org.bwcdock.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trusted time end to end (issue 20, point 1): the sandbox's dock timestamps every manifest, its
 * receiver every receipt, and each token verifies with Debian's {@code openssl ts -verify} against
 * the file beside it; with the TSA down, cameras are still receipted and wiped, the missing tokens
 * are on record, and they are attached to the stored evidence once the TSA answers again.
 */
@Timeout(300)
class TrustedTimeTest {
    private static final long[] SIZES = {50_000, 120_000};

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static List<Path> evidence(Path work) throws Exception {
        try (Stream<Path> s = Files.list(work.resolve("receiver/evidence"))) {
            return s.filter(d -> !d.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }

    private static void verifies(Path token, Path data, Path tsaCa) throws Exception {
        Openssl.Result r = Openssl.run("ts", "-verify", "-in", token.toString(), "-data", data.toString(), "-CAfile", tsaCa.toString());
        assertEquals(0, r.exit(), token + ": " + r.output());
        assertTrue(r.output().contains("Verification: OK"), r.output());
    }

    private static List<String> auditActions(Path ledger, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
             ResultSet rs = c.createStatement().executeQuery("SELECT action, subject FROM audit WHERE action LIKE '" + prefix + "%' ORDER BY seq")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void everyManifestAndReceiptOfTheShiftIsTimestampedAndOpensslVerifiesThem(@TempDir Path work) throws Exception {
        try (Sandbox sandbox = Sandbox.start(work, false, quiet())) {
            assertTrue(sandbox.shiftEnd(SIZES).ok(), "the shift end completed");
            List<Path> stored = evidence(work);
            assertEquals(Site.CAMERAS.size() * SIZES.length, stored.size());
            Path tsaCa = sandbox.site().tsa().caFile();
            for (Path ev : stored) {
                verifies(ev.resolve("manifest.tsr"), ev.resolve("manifest.p7s"), tsaCa);
                verifies(ev.resolve("receipt.tsr"), ev.resolve("receipt.p7s"), tsaCa);
                assertEquals(Receipt.PRESENT, Receipts.content(Files.readAllBytes(ev.resolve("receipt.p7s"))).manifestTimestamp());
            }
            assertEquals(List.of(), sandbox.agent().ledger().awaitingManifestTimestamp().stream().map(EvidenceFile::relativePath).toList());
        }
        assertEquals(Site.CAMERAS.size() * SIZES.length, auditActions(work.resolve("dock/state/ledger.db"), "manifest-timestamped").size());
    }

    @Test
    void aTsaOutageHoldsUpNoCustodyAndTheMissingTokensAreAttachedLater(@TempDir Path work) throws Exception {
        try (Sandbox sandbox = Sandbox.start(work, false, quiet())) {
            sandbox.site().tsa().down(true);
            assertTrue(sandbox.shiftEnd(SIZES).ok(), "uploaded, receipted and wiped with the TSA down");
            List<Path> stored = evidence(work);
            assertEquals(Site.CAMERAS.size() * SIZES.length, stored.size());
            for (Path ev : stored) {
                assertEquals(Receipt.MISSING, Receipts.content(Files.readAllBytes(ev.resolve("receipt.p7s"))).manifestTimestamp(),
                        ev + ": the receipt says the manifest's token is missing");
                assertFalse(Files.exists(ev.resolve("manifest.tsr")));
                assertFalse(Files.exists(ev.resolve("receipt.tsr")));
            }
            Path ledger = work.resolve("dock/state/ledger.db");
            assertTrue(auditActions(ledger, "manifest-timestamp-missing").size() >= stored.size(), auditActions(ledger, "manifest-").toString());
            assertEquals(stored.size(), sandbox.agent().ledger().awaitingManifestTimestamp().size());

            sandbox.site().tsa().down(false);
            Path tsaCa = sandbox.site().tsa().caFile();
            Poll.until("every manifest and receipt token attached", Duration.ofSeconds(60), () -> {
                for (Path ev : evidence(work)) {
                    if (!Files.exists(ev.resolve("manifest.tsr")) || !Files.exists(ev.resolve("receipt.tsr"))) {
                        return false;
                    }
                }
                return true;
            });
            for (Path ev : stored) {
                verifies(ev.resolve("manifest.tsr"), ev.resolve("manifest.p7s"), tsaCa);
                verifies(ev.resolve("receipt.tsr"), ev.resolve("receipt.p7s"), tsaCa);
            }
            Poll.until("the dock settled every token", Duration.ofSeconds(20),
                    () -> sandbox.agent().ledger().awaitingManifestTimestamp().isEmpty());
            assertEquals(stored.size(), auditActions(ledger, "manifest-timestamp-delivered").size());
        }
    }
}
