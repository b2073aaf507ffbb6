package org.bwcdock.sandbox.realmount;

import com.fasterxml.jackson.databind.JsonNode;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.NameBytes;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.provisioning.Main;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Footage;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, points 6 and 7, end to end with the real agent as the unprivileged bwcdock user: a
 * camera holding, among good clips, one file of mode 000 and one whose name is not UTF-8. Every
 * other file is receipted and wiped; the one that is not UTF-8 too, and {@code evidence open}
 * restores it byte for byte under its raw name; the unreadable one stays on the camera, reported
 * (event, audit row, a log line saying why), and the bay ends "safe, 1 file left on the camera".
 *
 * <p>The camera is a directory (the simulated volume): FAT and exFAT have no per-file mode bits, so
 * mode 000 exists only there; and mode 000 stops only a reader that is not root, hence the agent
 * runs as bwcdock. It runs under {@code LANG=C}, where Java's String paths cannot even carry
 * {@code é}: the names travel as bytes (docs/manifest.md).
 */
@Timeout(180)
class RefusedFilesTest {
    private static final long[] SIZES = {300_000, 700_000};
    private static final byte[] NOT_UTF8 = {'D', 'C', 'I', 'M', '/', '1', '0', '0', '/', 'V', (byte) 0xff, (byte) 0xfe, '.', 'M', 'P', '4'};
    private static final String LOCKED = "DCIM/100/LOCKED.MP4";

    @Test
    void theUnreadableFileIsLeftAndReportedTheOneThatIsNotUtf8IsTakenAndTheRestIsWiped(@TempDir Path work) throws Exception {
        UdisksHost.ensureAgentUser();
        AgentUser user = new AgentUser(Files.createDirectories(work.resolve("agent")));
        Site.Camera camera = Site.cameras(1).get(0);
        Process agent = null;
        try (Site site = Site.start(work)) {
            Path volume = site.volume(camera);
            Footage.write(volume, camera.serial(), SIZES);
            byte[] odd = "a clip whose name is not UTF-8".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Files.write(NameBytes.resolve(volume, NOT_UTF8), odd);
            Files.writeString(volume.resolve(LOCKED), "a clip the camera will not let anyone but root read");
            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < SIZES.length; i++) {
                expected.put(Custody.subject(camera.serial(), Footage.relativePath(i)), Digests.sha256Hex(volume.resolve(Footage.relativePath(i))));
            }
            expected.put(Custody.subject(camera.serial(), SafeText.fromBytes(NOT_UTF8)), Digests.sha256Hex(new java.io.ByteArrayInputStream(odd)));

            Path dock = work.resolve("dock");
            Path config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withBays(1, "none"));
            AgentUser.own(work);
            UdisksHost.runOk(List.of("chmod", "000", volume.resolve(LOCKED).toString()));
            agent = user.start(work, org.bwcdock.agent.Main.class, work.resolve("agent.log"), Map.of("LANG", "C", "LC_ALL", "C"),
                    "run", "--config", config.toString());
            site.dock(camera);

            Process running = agent;
            UdisksHost.await("bay 1 in its final state", 90, () -> {
                assertTrue(running.isAlive(), "the agent exited");
                JsonNode bay = site.office().bayStates().get(1);
                return bay != null && bay.path("phase").asText().equals("safe");
            });
            JsonNode bay = site.office().bayStates().get(1);
            assertEquals("safe, 1 file left on the camera", bay.path("lastEvent").asText(), bay.toString());

            try (Stream<Path> left = Files.walk(volume)) {
                assertEquals(List.of("DCIM/100/LOCKED.MP4", "DEVICE.TXT"), left.filter(Files::isRegularFile)
                        .map(p -> NameBytes.decode(NameBytes.relative(volume, p))).sorted().toList(), "only the refused file is left");
            }
            Path ledger = dock.resolve("state/ledger.db");
            assertEquals("REFUSED|camera " + camera.serial() + " bay 1: " + LOCKED + ": cannot be read: permission denied",
                    user.sql(ledger, "SELECT state, reason FROM evidence_files WHERE relative_path = '" + LOCKED + "'").trim());
            assertEquals("3", user.sql(ledger, "SELECT count(*) FROM evidence_files WHERE state = 'RELEASED'").trim());
            assertTrue(user.sql(ledger, "SELECT subject || ' ' || detail FROM audit WHERE action = 'file-refused'")
                    .contains(camera.serial() + ":" + LOCKED + " "), "audited");
            assertTrue(user.sql(ledger, "SELECT detail FROM audit WHERE action = 'file-refused'").contains("permission denied"), "with why");
            List<JsonNode> refusals = site.office().events().stream().filter(e -> e.path("type").asText().equals("file-refused")).toList();
            assertEquals(1, refusals.stream().map(e -> e.path("eventId").asText()).distinct().count(), refusals.toString());
            assertEquals(LOCKED, refusals.get(0).path("path").asText());
            assertTrue(refusals.get(0).path("reason").asText().endsWith(": cannot be read: permission denied"), refusals.toString());
            String log = agent(work);
            assertTrue(log.contains(LOCKED + ": cannot be read: permission denied (REFUSED)"), "the log line says why");
            assertTrue(log.contains("DCIM/100/V\\xff\\xfe.MP4: ingested"), "the name escaped once in the log");

            AgentUser.stop(agent);
            agent = null;
            Custody.receiverHoldsEachFileOnce(work, expected);
            restoresUnderItsRawName(work, odd);
        } catch (Exception | Error e) {
            throw new AssertionError(e.getMessage() + "\n---- agent log:\n" + RealMountTest.tail(work.resolve("agent.log")), e);
        } finally {
            AgentUser.stop(agent);
        }
    }

    private static String agent(Path work) throws java.io.IOException {
        Path log = work.resolve("agent.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** {@code evidence open --out-dir}: the receiver's copy of the file comes back under exactly its bytes. */
    private static void restoresUnderItsRawName(Path work, byte[] content) throws Exception {
        Path keys = work.resolve("pki/keys");
        Path restored = Files.createDirectories(work.resolve("restored"));
        int found = 0;
        try (Stream<Path> dirs = Files.list(work.resolve("receiver/evidence"))) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Manifest m = Manifest.decode(Files.readAllBytes(dir.resolve("manifest.json")));
                if (!NameBytes.hasRawBytes(NameBytes.decode(m.file().pathBytes()))) {
                    continue;
                }
                found++;
                assertEquals(HexFormat.of().formatHex(NOT_UTF8), HexFormat.of().formatHex(m.file().pathBytes()), "pathBytesHex");
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), Clock.systemUTC(),
                        "evidence", "open", "--manifest", dir.resolve("manifest.json").toString(),
                        "--signature", dir.resolve("manifest.p7s").toString(), "--parts", dir.toString(),
                        "--key", keys.resolve("evidence-recipient.key").toString(), "--cert", keys.resolve("evidence-recipient.pem").toString(),
                        "--ca", work.resolve("pki/ca/ca.pem").toString(), "--receipt", dir.resolve("receipt.p7s").toString(),
                        "--receipt-signer", keys.resolve("receipt-signer.pem").toString(), "--out-dir", restored.toString());
                assertEquals(0, code, err.toString());
                assertTrue(out.toString().contains("DCIM/100/V\\xff\\xfe.MP4: restored"), out.toString());
            }
        }
        assertEquals(1, found, "the file whose name is not UTF-8 is at the receiver once");
        assertArrayEquals(content, Files.readAllBytes(NameBytes.resolve(restored, NOT_UTF8)), "restored byte for byte under its raw name");
        // And the shell, which knows nothing of Java, finds it under those bytes.
        UdisksHost.runOk(List.of("sh", "-c", "test -f \"$(printf '" + restored + "/DCIM/100/V\\377\\376.MP4')\""));
    }
}
