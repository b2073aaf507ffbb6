package org.bwcdock.agent.volume;

import org.bwcdock.format.pki.Digests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wipe deletes a file only when every byte, re-read after the writable mount, hashes as at the
 * ingest: piece by piece (the manifest's parts, hashed at once), or the whole file where the pieces
 * do not tile it.
 */
@Timeout(30)
class WipeTest {
    private static final int PIECE = 1 << 20;

    @TempDir
    Path tmp;
    private Path cameras;
    private Path file;
    private byte[] bytes;

    @BeforeEach
    void camera() throws IOException {
        cameras = tmp.resolve("cameras");
        file = Files.createDirectories(cameras.resolve("CAM1/DCIM/100")).resolve("VID0001.MP4");
        bytes = new byte[3 * PIECE + 1234];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
    }

    private CameraVolume mount() throws IOException {
        VolumeLimits limits = new VolumeLimits(List.of("DCIM/**/*.MP4"), 1L << 30, 16, 100, 255, Duration.ZERO, Duration.ofSeconds(5));
        return Volumes.mount(Mounter.directories(cameras), Path.of("/dev/sdb1"), "CAM1", limits, "camera CAM1 bay 1");
    }

    /** The fingerprint the ingest recorded: the whole file's hash and its parts'. */
    private Fingerprint ingested() {
        List<Fingerprint.Piece> pieces = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += PIECE) {
            byte[] piece = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + PIECE));
            pieces.add(new Fingerprint.Piece(at, piece.length, Digests.sha256Hex(piece)));
        }
        return new Fingerprint(Digests.sha256Hex(bytes), pieces);
    }

    private List<Skipped> wipe(Fingerprint expected) throws Exception {
        try (CameraVolume v = mount()) {
            FootageFile f = v.listStableFootage().files().getFirst();
            return v.wipe(Map.of(f, expected));
        }
    }

    @Test
    void aFileWhosePiecesAllHashAsIngestedIsDeleted() throws Exception {
        assertEquals(List.of(), wipe(ingested()));
        assertFalse(Files.exists(file));
    }

    @Test
    void oneChangedByteInOnePieceKeepsTheFileAndSaysWhere() throws Exception {
        Fingerprint expected = ingested();
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] changed = bytes.clone();
        changed[PIECE + 5] ^= 1; // the second piece; size and modification time stay as they were
        Files.write(file, changed);
        Files.setLastModifiedTime(file, mtime);
        List<Skipped> kept = wipe(expected);
        assertEquals(1, kept.size(), kept::toString);
        assertTrue(kept.getFirst().reason().startsWith("bytes " + PIECE + " to " + 2 * PIECE + ": SHA-256 now "
                + Digests.sha256Hex(Arrays.copyOfRange(changed, PIECE, 2 * PIECE))), kept::toString);
        assertTrue(Files.exists(file), "not deleted");
    }

    @Test
    void piecesThatDoNotTileTheFileAreNotTrustedTheWholeFileIsHashed() throws Exception {
        Fingerprint good = ingested();
        // A gap after the first piece: the whole file's hash decides.
        List<Fingerprint.Piece> gap = new ArrayList<>(good.pieces());
        gap.remove(1);
        Fingerprint wrongWhole = new Fingerprint("0".repeat(64), gap);
        List<Skipped> kept = wipe(wrongWhole);
        assertEquals(1, kept.size(), kept::toString);
        assertTrue(kept.getFirst().reason().startsWith("SHA-256 now " + good.sha256() + ", receipted " + "0".repeat(64)), kept::toString);
        assertTrue(Files.exists(file));
        assertEquals(List.of(), wipe(new Fingerprint(good.sha256(), gap)));
        assertFalse(Files.exists(file));
    }
}
