package org.bwcdock.sandbox.realmount;

import org.bwcdock.sandbox.Footage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's volume code as the bwcdock user against real udisks2 and polkit with the project's
 * rule: what the rule refuses, how udisks2's refusals reach the agent, and the wipe knowing each
 * file again on a fresh mount without inode numbers and keeping any file changed since its ingest.
 */
@Timeout(120)
class UdisksPolkitTest {
    @TempDir
    static Path hostDir;
    static UdisksHost host;
    static AgentUser user;

    @BeforeAll
    static void startHost() throws Exception {
        host = UdisksHost.start(hostDir);
        UdisksHost.runOk(List.of("chmod", "755", hostDir.toString()));
        user = new AgentUser(Files.createDirectories(hostDir.resolve("agent")));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static CameraImage image(CameraImage.Type type, Path dir) throws Exception {
        Path content = Files.createDirectories(dir.resolve("content"));
        Footage.write(content, "CAM-" + type, new long[] {100_000, 200_000, 300_000});
        return CameraImage.create(type, dir.resolve(type + ".img"), content);
    }

    @Test
    void bwcdockCannotMountAnExt4Volume(@TempDir Path dir) throws Exception {
        try (CameraImage ext4 = image(CameraImage.Type.EXT4, dir)) {
            Path loop = ext4.attach();
            String out = user.run(VolumeProbe.class, "mount", loop.toString());
            assertTrue(out.contains("REFUSED NOT_AUTHORIZED"), out);
            assertEquals(List.of(), UdisksHost.mountsOf(loop));
        }
    }

    @Test
    void bwcdockCannotUnmountSomeoneElsesMount(@TempDir Path dir) throws Exception {
        try (CameraImage vfat = image(CameraImage.Type.VFAT, dir)) {
            Path loop = vfat.attach();
            UdisksHost.runOk(List.of("udisksctl", "mount", "--no-user-interaction", "-b", loop.toString(), "-o", "ro"));
            try {
                String out = user.run(VolumeProbe.class, "unmount", loop.toString());
                assertTrue(out.contains("REFUSED NOT_AUTHORIZED"), out);
                assertEquals(1, UdisksHost.mountsOf(loop).size(), "root's mount is still there");
            } finally {
                UdisksHost.runOk(List.of("udisksctl", "unmount", "--no-user-interaction", "-b", loop.toString()));
            }
        }
    }

    @Test
    void udisksRefusalsReachTheAgentAsKinds(@TempDir Path dir) throws Exception {
        try (CameraImage exfat = image(CameraImage.Type.EXFAT, dir)) {
            Path loop = exfat.attach();
            assertTrue(user.run(VolumeProbe.class, "mount", loop.toString()).contains("MOUNTED /"));
            try {
                String again = user.run(VolumeProbe.class, "mount", loop.toString());
                assertTrue(again.contains("REFUSED ALREADY_MOUNTED"), again);
            } finally {
                assertTrue(user.run(VolumeProbe.class, "unmount", loop.toString()).contains("UNMOUNTED"));
            }
            assertEquals(List.of(), UdisksHost.mountsOf(loop));
            String gone = user.run(VolumeProbe.class, "mount", "/dev/loop-of-a-camera-pulled-out");
            assertTrue(gone.contains("REFUSED NO_DEVICE"), gone);
        }
    }

    /**
     * Listed and hashed at one dock, wiped at the next (a new loop device, a new mount, new inode
     * numbers): the unchanged file is deleted; one rewritten with other bytes of the same size and
     * modification time is kept (SHA-256), one with the same bytes and another modification time too.
     */
    @Test
    void theWipeKnowsFilesAgainWithoutInodesAndKeepsChangedOnes(@TempDir Path dir) throws Exception {
        try (CameraImage vfat = image(CameraImage.Type.VFAT, dir)) {
            Path listing = hostDir.resolve("agent/listing.tsv"); // the bwcdock user's to write
            String listed = user.run(VolumeProbe.class, "list", vfat.attach().toString(), listing.toString());
            assertTrue(listed.contains("LISTED 3"), listed);
            vfat.detach();

            Path content = dir.resolve("content");
            Path sameSizeOtherBytes = content.resolve(Footage.relativePath(0));
            FileTime mtime = Files.getLastModifiedTime(sameSizeOtherBytes);
            byte[] bytes = Files.readAllBytes(sameSizeOtherBytes);
            bytes[bytes.length / 2] ^= 1;
            Files.write(sameSizeOtherBytes, bytes);
            Files.setLastModifiedTime(sameSizeOtherBytes, mtime);
            Path sameBytesOtherTime = content.resolve(Footage.relativePath(1));
            Files.setLastModifiedTime(sameBytesOtherTime, FileTime.from(Instant.now().minus(1, ChronoUnit.DAYS)));
            for (Path p : List.of(sameSizeOtherBytes, sameBytesOtherTime)) {
                UdisksHost.runOk(List.of("mcopy", "-o", "-m", "-i", vfat.image.toString(), p.toString(),
                        "::" + content.relativize(p)));
            }

            Map<String, String> expected = new TreeMap<>(CameraImage.hashes(content));
            expected.remove(Footage.relativePath(2));
            String wiped = user.run(VolumeProbe.class, "wipe", vfat.attach().toString(), listing.toString());
            assertTrue(wiped.contains("DELETED " + Footage.relativePath(2)), wiped);
            assertTrue(wiped.contains("KEPT " + Footage.relativePath(0) + ": SHA-256 now"), wiped);
            assertTrue(wiped.contains("KEPT " + Footage.relativePath(1) + ": size or modification time changed"), wiped);
            assertEquals(List.of(), UdisksHost.mountsOf(vfat.loop), "unmounted after the wipe");
            vfat.detach();
            vfat.assertHolds(expected);
        }
    }
}
