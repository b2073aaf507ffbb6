package org.bwcdock.receiver;

import org.bwcdock.format.io.FileTrees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Evidence as directories on the local filesystem, {@code evidence/<id>/}: {@code part-N.cms},
 * {@code manifest.json}, {@code manifest.p7s}, {@code receipt.p7s} (what {@code receiver verify}
 * and {@code evidence open} read). Built in {@code <id>.tmp}, fsync'd, renamed into place, and the
 * directory and its parent fsync'd before {@link #put} returns.
 */
final class FileEvidenceStore implements EvidenceStore {
    private final Path evidence;
    private final FileUploadStore uploads;

    FileEvidenceStore(Path evidence, FileUploadStore uploads) throws IOException {
        this.evidence = Files.createDirectories(evidence);
        this.uploads = uploads;
    }

    @Override
    public Optional<byte[]> receipt(String evidenceId) throws IOException {
        Path receipt = evidence.resolve(evidenceId).resolve("receipt.p7s");
        return Files.exists(receipt) ? Optional.of(Files.readAllBytes(receipt)) : Optional.empty();
    }

    @Override
    public void put(String evidenceId, List<UploadStore.Upload> parts, byte[] manifest, byte[] signature, byte[] receipt)
            throws IOException {
        // Hard links, not moves: if the receiver dies before the final rename, the uploads are intact
        // and the dock's repeated commit starts over from a clean slate.
        Path tmp = evidence.resolve(evidenceId + ".tmp");
        FileTrees.delete(tmp);
        Files.createDirectories(tmp);
        for (int i = 0; i < parts.size(); i++) {
            Files.createLink(tmp.resolve("part-" + i + ".cms"), uploads.bin(parts.get(i).id()));
        }
        Files.write(tmp.resolve("manifest.json"), manifest);
        Files.write(tmp.resolve("manifest.p7s"), signature);
        Files.write(tmp.resolve("receipt.p7s"), receipt);
        try (var files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
        fsync(tmp);
        Path dir = evidence.resolve(evidenceId);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        // Durable before receipted: the evidence directory and its entry in evidence/ are on disk
        // before the 200 that lets the dock wipe the camera.
        fsync(dir);
        fsync(evidence);
    }

    @Override
    public long count() throws IOException {
        try (var dirs = Files.list(evidence)) {
            return dirs.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    private static void fsync(Path directory) throws IOException {
        try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
