package org.bwcdock.sandbox.realmount;

import org.bwcdock.format.pki.Digests;
import org.bwcdock.agent.volume.CameraVolume;
import org.bwcdock.agent.volume.Fingerprint;
import org.bwcdock.agent.volume.FootageFile;
import org.bwcdock.agent.volume.MountException;
import org.bwcdock.agent.volume.Mounter;
import org.bwcdock.agent.volume.Skipped;
import org.bwcdock.agent.volume.VolumeLimits;
import org.bwcdock.agent.volume.Volumes;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's volume code, run by the tests as the bwcdock user in a JVM of its own:
 * {@code mount DEV} / {@code unmount DEV} through {@link Mounter#udisks()}, printing MOUNTED PATH,
 * UNMOUNTED or REFUSED KIND; {@code list DEV FILE} records each footage file (path, size, mtime,
 * SHA-256) as an ingest would; {@code wipe DEV FILE} wipes exactly those, printing DELETED or KEPT lines.
 */
public final class VolumeProbe {
    private static final VolumeLimits LIMITS = VolumeLimits.defaults(List.of("DCIM/**/*.MP4"), 1L << 30, Duration.ZERO,
            Duration.ofSeconds(10));

    private VolumeProbe() {
    }

    public static void main(String[] args) throws Exception {
        Mounter m = Mounter.udisks();
        Path dev = Path.of(args[1]);
        try {
            switch (args[0]) {
                case "mount" -> System.out.println("MOUNTED " + m.mountReadOnly(dev, "probe"));
                case "unmount" -> {
                    m.unmount(dev);
                    System.out.println("UNMOUNTED");
                }
                case "list" -> list(m, dev, Path.of(args[2]));
                case "wipe" -> wipe(m, dev, Path.of(args[2]));
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (MountException e) {
            System.out.println("REFUSED " + e.kind() + " " + e.getMessage());
        }
    }

    private static void list(Mounter m, Path dev, Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        try (CameraVolume v = Volumes.mount(m, dev, "probe", LIMITS, "probe")) {
            for (FootageFile f : v.listStableFootage().files()) {
                try (InputStream in = v.open(f)) {
                    lines.add(f.relativePath() + "\t" + f.size() + "\t" + f.mtimeMillis() + "\t" + Digests.sha256Hex(in));
                }
            }
        }
        Files.write(out, lines);
        System.out.println("LISTED " + lines.size());
    }

    private static void wipe(Mounter m, Path dev, Path in) throws Exception {
        Map<FootageFile, Fingerprint> expected = new LinkedHashMap<>();
        for (String l : Files.readAllLines(in)) {
            String[] f = l.split("\t");
            // No inode: the wipe must know each file again without one (FAT numbers them per mount).
            expected.put(new FootageFile(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), null), Fingerprint.whole(f[3]));
        }
        try (CameraVolume v = Volumes.mount(m, dev, "probe", LIMITS, "probe")) {
            List<Skipped> kept = v.wipe(expected);
            for (FootageFile f : expected.keySet()) {
                kept.stream().filter(s -> s.relativePath().equals(f.relativePath())).findFirst().ifPresentOrElse(
                        s -> System.out.println("KEPT " + f.relativePath() + ": " + s.reason()),
                        () -> System.out.println("DELETED " + f.relativePath()));
            }
        }
    }
}
