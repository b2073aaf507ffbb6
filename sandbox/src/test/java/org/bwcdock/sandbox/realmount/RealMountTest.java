package org.bwcdock.sandbox.realmount;

import org.bwcdock.agent.usb.SimulatedUsb;
import org.bwcdock.sandbox.Custody;
import org.bwcdock.sandbox.Footage;
import org.bwcdock.sandbox.Site;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real mount path, end to end: the agent (its own JVM, as the unprivileged bwcdock user)
 * finds a camera whose storage is a FAT32 or exFAT image on a loop device, mounts it through
 * udisks2 with polkit deciding by the project's rule (read-only, nosuid, nodev, noexec), ingests,
 * uploads to the receiver, gets receipts, mounts writable, deletes exactly the receipted files and
 * unmounts. The image is then clean by fsck and holds every other file byte for byte.
 */
@Timeout(180)
class RealMountTest {
    private static final long[] SIZES = {300_000, 700_000, 1_200_000};
    @TempDir
    static Path hostDir;
    static UdisksHost host;
    static AgentUser user;

    @BeforeAll
    static void startHost() throws Exception {
        host = UdisksHost.start(hostDir);
        AgentUser.own(hostDir);
        user = new AgentUser(Files.createDirectories(hostDir.resolve("agent")));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CameraImage.Type.class, names = {"VFAT", "EXFAT"})
    void theAgentAsBwcdockIngestsUploadsAndDeletesExactlyTheReceiptedFiles(CameraImage.Type type, @TempDir Path work) throws Exception {
        Site.Camera camera = Site.cameras(1).get(0);
        Path content = Files.createDirectories(work.resolve("content"));
        Footage.write(content, camera.serial(), SIZES);
        Files.createDirectories(content.resolve("MISC"));
        Files.writeString(content.resolve("MISC/NOTES.TXT"), "not footage: stays on the camera\n");
        Files.write(content.resolve("DCIM/100/THUMB0001.JPG"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Map<String, String> all = CameraImage.hashes(content);
        Map<String, String> footage = new HashMap<>();
        Map<String, String> kept = new TreeMap<>(all);
        for (int i = 0; i < SIZES.length; i++) {
            String path = Footage.relativePath(i);
            footage.put(Custody.subject(camera.serial(), path), all.get(path));
            kept.remove(path);
        }

        Process agent = null;
        try (Site site = Site.start(work); CameraImage image = CameraImage.create(type, work.resolve("camera.img"), content)) {
            Path loop = image.attach();
            Path dock = work.resolve("dock");
            Path config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withBays(1, "none"));
            // Real volumes through udisks2 instead of directories; a listing wait long enough to see the read-only mount.
            Files.writeString(config, Files.readString(config).replaceAll("(?m)^simulatedVolumes = .*\\n", "")
                    .replace("stableInterval = \"500ms\"", "stableInterval = \"1500ms\""));
            AgentUser.own(work);
            int earlierMounts = UdisksHost.mountRequests().size();
            agent = user.start(work, org.bwcdock.agent.Main.class, work.resolve("agent.log"), "run", "--config", config.toString());
            new SimulatedUsb(work.resolve("sys"), work.resolve("dev")).plugRealDevice(camera.port(), "2a3b", "0001", camera.serial(), loop);

            UdisksHost.await("the camera mounted read-only", () -> !UdisksHost.mountsOf(loop).isEmpty());
            String ro = UdisksHost.mountsOf(loop).get(0);
            assertTrue(ro.contains(" ro,") && ro.contains("nosuid") && ro.contains("nodev"), "read-only mount: " + ro);

            Path ledger = dock.resolve("state/ledger.db");
            Process running = agent;
            UdisksHost.await("every footage file released and the camera unmounted", 90, () -> {
                assertTrue(running.isAlive(), "the agent exited: " + Files.readString(work.resolve("agent.log")));
                return UdisksHost.mountsOf(loop).isEmpty() // cheap first: the ledger is asked only once unmounted
                        && user.sql(ledger, "SELECT state FROM evidence_files").lines().filter("RELEASED"::equals).count() == SIZES.length;
            });
            AgentUser.stop(agent);
            agent = null;

            List<String> requests = UdisksHost.mountRequests().stream().skip(earlierMounts).toList();
            assertEquals(2, requests.size(), "mounts of " + loop + ": " + requests);
            assertTrue(options(requests.get(0)).containsAll(List.of("ro", "nosuid", "nodev", "noexec")), requests.get(0));
            assertTrue(options(requests.get(1)).containsAll(List.of("rw", "nosuid", "nodev", "noexec")), requests.get(1));
            Custody.receiverHoldsEachFileOnce(work, footage);
            image.detach();
            image.assertHolds(kept);
        } catch (Exception | Error e) {
            throw new AssertionError(e.getMessage() + "\n---- agent log:\n" + tail(work.resolve("agent.log")) + "\n---- udisksd log:\n"
                    + tail(hostDir.resolve("udisksd.log")), e);
        } finally {
            AgentUser.stop(agent);
        }
    }

    static String tail(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return "(none)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * The camera's filesystem stops answering mid-read (its FUSE driver stopped, as a USB device
     * that hangs), then is pulled (the driver killed): the read fails within readTimeout, the file
     * is FAILED, nothing is deleted, and at the next dock it is read again and goes all the way
     * to its receipt and release.
     */
    @org.junit.jupiter.api.Test
    void aCameraThatStopsAnsweringMidReadFailsTheFileWithinReadTimeoutAndIsReadAgainNextDock(@TempDir Path work) throws Exception {
        Site.Camera camera = Site.cameras(1).get(0);
        Path content = Files.createDirectories(work.resolve("content"));
        long big = 48L << 20;
        Footage.write(content, camera.serial(), new long[] {big});
        String subject = Custody.subject(camera.serial(), Footage.relativePath(0));
        Map<String, String> footage = Map.of(subject, CameraImage.hashes(content).get(Footage.relativePath(0)));
        Process agent = null;
        String driver = null;
        try (Site site = Site.start(work); CameraImage image = CameraImage.create(CameraImage.Type.EXFAT, work.resolve("camera.img"), content)) {
            Path loop = image.attach();
            Path dock = work.resolve("dock");
            Path config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withBays(1, "none"));
            Files.writeString(config, Files.readString(config).replaceAll("(?m)^simulatedVolumes = .*\\n", "")
                    .replace("stableInterval = \"500ms\"", "stableInterval = \"0s\"\nreadTimeout = \"2s\""));
            AgentUser.own(work);
            agent = user.start(work, org.bwcdock.agent.Main.class, work.resolve("agent.log"), "run", "--config", config.toString());
            SimulatedUsb usb = new SimulatedUsb(work.resolve("sys"), work.resolve("dev"));
            usb.plugRealDevice(camera.port(), "2a3b", "0001", camera.serial(), loop);
            Path ledger = dock.resolve("state/ledger.db");
            UdisksHost.await("the ingest under way", () -> user.sql(ledger, "SELECT state FROM evidence_files").contains("INGESTING"));
            driver = UdisksHost.runOk(List.of("pgrep", "-f", "exfat-fuse.* " + loop + " ")).trim();
            UdisksHost.runOk(List.of("kill", "-STOP", driver));
            long stopped = System.nanoTime();
            UdisksHost.await("the file FAILED", () -> user.sql(ledger, "SELECT state FROM evidence_files").contains("FAILED"));
            long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(tookMillis < 2_000 + 3_000, "the stalled read failed after " + tookMillis + " ms (readTimeout 2 s)");
            assertTrue(user.sql(ledger, "SELECT reason FROM evidence_files").contains("no progress"), "reason");
            // Pulled: the driver dies, and the dead mount goes as udisks2 clears the mount of a
            // vanished device (a loop device does not vanish: root detaches the mount lazily).
            UdisksHost.runOk(List.of("kill", "-KILL", driver));
            driver = null;
            for (String mount : UdisksHost.mountsOf(loop)) {
                UdisksHost.runOk(List.of("umount", "-l", mount.split(" ")[1]));
            }
            usb.unplug(camera.port());
            UdisksHost.await("the dead mount gone", () -> UdisksHost.mountsOf(loop).isEmpty());
            // Out longer than the watcher's debounce, or it is the same camera re-enumerating.
            UdisksHost.await("the agent to see the camera leave", () -> Files.readString(work.resolve("agent.log")).contains("undocked"));

            usb.plugRealDevice(camera.port(), "2a3b", "0001", camera.serial(), loop);
            UdisksHost.await("the file read again, receipted and released", 90, () -> UdisksHost.mountsOf(loop).isEmpty()
                    && user.sql(ledger, "SELECT state FROM evidence_files").contains("RELEASED"));
            AgentUser.stop(agent);
            agent = null;
            Custody.receiverHoldsEachFileOnce(work, footage);
            image.detach();
            image.assertHolds(Map.of("DEVICE.TXT", CameraImage.hashes(content).get("DEVICE.TXT")));
        } catch (Exception | Error e) {
            throw new AssertionError(e.getMessage() + "\n---- agent log:\n" + tail(work.resolve("agent.log")), e);
        } finally {
            if (driver != null) {
                UdisksHost.run(List.of("kill", "-KILL", driver)); // never leave a stopped driver behind
            }
            AgentUser.stop(agent);
        }
    }

    /**
     * A FAT camera whose clip has an 8.3 name in an OEM code page (byte 0x90, no long name): fusefat
     * lists it, but finds no file by that name. The dock records it REFUSED with that reason, wipes
     * the receipted clips anyway, and the bay ends "safe, 1 file left on the camera"; the entry is
     * still on the image, which fsck finds clean.
     */
    @org.junit.jupiter.api.Test
    void aFatNameTheFilesystemCannotGiveBackIsRefusedAndTheRestIsWiped(@TempDir Path work) throws Exception {
        Site.Camera camera = Site.cameras(1).get(0);
        Path content = Files.createDirectories(work.resolve("content"));
        Footage.write(content, camera.serial(), new long[] {300_000, 500_000});
        Files.writeString(content.resolve("DCIM/100/VQ.MP4"), "a clip whose short name will be in an OEM code page");
        Map<String, String> footage = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            footage.put(Custody.subject(camera.serial(), Footage.relativePath(i)), CameraImage.hashes(content).get(Footage.relativePath(i)));
        }
        Process agent = null;
        try (Site site = Site.start(work); CameraImage image = CameraImage.create(CameraImage.Type.VFAT, work.resolve("camera.img"), content)) {
            byte[] img = Files.readAllBytes(image.image);
            byte[] shortName = "VQ      MP4".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int at = indexOf(img, shortName, 0);
            assertTrue(at >= 0 && indexOf(img, shortName, at + 1) < 0, "one short-name entry VQ.MP4 (and no long name)");
            img[at + 1] = (byte) 0x90; // 'É' in code page 850
            Files.write(image.image, img);
            Path loop = image.attach();
            Path dock = work.resolve("dock");
            Path config = site.writeAgentConfig(dock, Site.AgentOptions.DEFAULT.withBays(1, "none"));
            Files.writeString(config, Files.readString(config).replaceAll("(?m)^simulatedVolumes = .*\\n", "")
                    .replace("stableInterval = \"500ms\"", "stableInterval = \"1500ms\""));
            AgentUser.own(work);
            agent = user.start(work, org.bwcdock.agent.Main.class, work.resolve("agent.log"), "run", "--config", config.toString());
            new SimulatedUsb(work.resolve("sys"), work.resolve("dev")).plugRealDevice(camera.port(), "2a3b", "0001", camera.serial(), loop);
            Process running = agent;
            UdisksHost.await("the bay safe and the camera unmounted", 90, () -> {
                assertTrue(running.isAlive(), "the agent exited");
                var bay = site.office().bayStates().get(1);
                return bay != null && bay.path("phase").asText().equals("safe") && UdisksHost.mountsOf(loop).isEmpty();
            });
            assertEquals("safe, 1 file left on the camera", site.office().bayStates().get(1).path("lastEvent").asText());
            Path ledger = dock.resolve("state/ledger.db");
            assertEquals("DCIM/100/V\\x90.MP4|REFUSED|camera " + camera.serial() + " bay 1: DCIM/100/V\\x90.MP4: cannot be read: "
                    + "the camera's filesystem lists this name but finds no file by it",
                    user.sql(ledger, "SELECT relative_path, state, reason FROM evidence_files WHERE state <> 'RELEASED'").trim());
            assertEquals("2", user.sql(ledger, "SELECT count(*) FROM evidence_files WHERE state = 'RELEASED'").trim());
            assertTrue(site.office().events().stream().anyMatch(e -> e.path("type").asText().equals("file-refused")
                    && e.path("path").asText().equals("DCIM/100/V\\x90.MP4")), "reported, the name escaped");
            AgentUser.stop(agent);
            agent = null;
            Custody.receiverHoldsEachFileOnce(work, footage);
            image.detach();
            // Read with mtools, not through a mount: java.nio cannot walk a tree holding that entry either.
            assertEquals(0, image.fsck().exit(), "clean after the wipe");
            String left = UdisksHost.runOk(List.of("mdir", "-i", image.image.toString(), "::DCIM/100"));
            assertTrue(left.lines().filter(l -> l.contains(" MP4 ")).count() == 1 && !left.contains("VID0"),
                    "only the refused entry is left: " + left);
            assertEquals(Files.readString(content.resolve("DEVICE.TXT")),
                    UdisksHost.runOk(List.of("mtype", "-i", image.image.toString(), "::DEVICE.TXT")).replace("\r", ""));
        } catch (Exception | Error e) {
            throw new AssertionError(e.getMessage() + "\n---- agent log:\n" + tail(work.resolve("agent.log")), e);
        } finally {
            AgentUser.stop(agent);
        }
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        outer:
        for (int i = from; i <= in.length - what.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (in[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<String> options(String request) {
        return List.of(request.substring(request.lastIndexOf(' ') + 1).split(","));
    }
}
