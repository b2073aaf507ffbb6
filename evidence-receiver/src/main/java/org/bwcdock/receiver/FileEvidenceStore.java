package org.bwcdock.receiver;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.io.FileTrees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Evidence as directories on the local filesystem, {@code evidence/<id>/}: {@code part-N.cms},
 * {@code manifest.json}, {@code manifest.p7s}, {@code receipt.p7s}, and the RFC 3161 tokens
 * {@code manifest.tsr} and {@code receipt.tsr} when there are any (what {@code receiver verify}
 * and {@code evidence open} read). Built in {@code <id>.tmp}, fsync'd, renamed into place, and the
 * directory and its parent fsync'd before {@link #put} returns.
 */
final class FileEvidenceStore implements EvidenceStore {
    private static final Set<StandardOpenOption> REPLACE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    private static final java.util.regex.Pattern SAFE_DOCK_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private final Path evidence;
    private final Path checkpoints;
    private final FileUploadStore uploads;

    FileEvidenceStore(Path evidence, FileUploadStore uploads) throws IOException {
        this.evidence = Files.createDirectories(evidence);
        this.checkpoints = evidence.toAbsolutePath().getParent().resolve("checkpoints");
        this.uploads = uploads;
    }

    @Override
    public Optional<byte[]> receipt(String evidenceId) throws IOException {
        Path receipt = evidence.resolve(evidenceId).resolve("receipt.p7s");
        return Files.exists(receipt) ? Optional.of(Files.readAllBytes(receipt)) : Optional.empty();
    }

    @Override
    public void put(String evidenceId, List<UploadStore.Upload> parts, byte[] manifest, byte[] signature, byte[] receipt,
                    java.util.Map<String, byte[]> more) throws IOException {
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
        for (var e : more.entrySet()) {
            Files.write(tmp.resolve(safeName(e.getKey())), e.getValue());
        }
        try (var files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
        FileTrees.fsyncDirectory(tmp);
        Path dir = evidence.resolve(evidenceId);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        // Durable before receipted: the evidence directory and its entry in evidence/ are on disk
        // before the 200 that lets the dock wipe the camera.
        FileTrees.fsyncDirectory(dir);
        FileTrees.fsyncDirectory(evidence);
    }

    @Override
    public Optional<byte[]> object(String evidenceId, String name) throws IOException {
        Path f = evidence.resolve(evidenceId).resolve(safeName(name));
        return Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
    }

    /** Written beside, fsync'd, then linked in under its name (never replacing one), and the directory fsync'd. */
    @Override
    public synchronized boolean attach(String evidenceId, String name, byte[] bytes) throws IOException {
        Path dir = evidence.resolve(evidenceId);
        if (!Files.isRegularFile(dir.resolve("receipt.p7s"))) {
            throw new IOException("evidence " + evidenceId + " is not stored");
        }
        Path target = dir.resolve(safeName(name));
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path tmp = dir.resolve(name + ".partial");
        FileTrees.writeSynced(tmp, bytes, REPLACE);
        try {
            Files.createLink(target, tmp); // fails if the name exists: a token is never replaced
        } finally {
            Files.deleteIfExists(tmp);
        }
        FileTrees.fsyncDirectory(dir);
        return true;
    }

    private static String safeName(String name) {
        if (!name.matches("[a-z][a-z0-9-]*\\.[a-z0-9]+")) {
            throw new IllegalArgumentException("not an evidence object name: " + name);
        }
        return name;
    }

    /**
     * {@code checkpoints/<dockId>/<seq>.json} and {@code .p7s} beside {@code evidence/}: the signature
     * first, then the checkpoint, each fsync'd, then the older ones removed. The newest is the highest
     * seq with both files, so a crash in between leaves the previous one in force.
     */
    @Override
    public synchronized void keepCheckpoint(AuditCheckpoint checkpoint, AuditCheckpoint.Signed signed) throws IOException {
        if (!SAFE_DOCK_ID.matcher(checkpoint.dockId()).matches()) {
            throw new IOException("dock id " + checkpoint.dockId() + " cannot name a directory");
        }
        Path dir = Files.createDirectories(checkpoints.resolve(checkpoint.dockId()));
        OptionalLong kept = newestSeq(dir);
        if (kept.isPresent() && kept.getAsLong() >= checkpoint.seq()) {
            return;
        }
        FileTrees.writeSynced(dir.resolve(checkpoint.seq() + ".p7s"), signed.signature(), REPLACE);
        FileTrees.writeSynced(dir.resolve(checkpoint.seq() + ".json"), signed.json(), REPLACE);
        FileTrees.fsyncDirectory(dir);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (seqOf(f).isPresent() && seqOf(f).getAsLong() < checkpoint.seq()) {
                    Files.delete(f);
                }
            }
        }
        FileTrees.fsyncDirectory(dir);
    }

    @Override
    public Optional<AuditCheckpoint.Signed> checkpoint(String dockId) throws IOException {
        if (!SAFE_DOCK_ID.matcher(dockId).matches()) {
            return Optional.empty();
        }
        Path dir = checkpoints.resolve(dockId);
        OptionalLong seq = Files.isDirectory(dir) ? newestSeq(dir) : OptionalLong.empty();
        if (seq.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AuditCheckpoint.Signed(Files.readAllBytes(dir.resolve(seq.getAsLong() + ".json")),
                Files.readAllBytes(dir.resolve(seq.getAsLong() + ".p7s"))));
    }

    /** The highest seq with both its files. */
    private static OptionalLong newestSeq(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).map(FileEvidenceStore::seqOf)
                    .filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong)
                    .filter(s -> Files.exists(dir.resolve(s + ".p7s"))).max();
        }
    }

    private static OptionalLong seqOf(Path f) {
        String name = f.getFileName().toString();
        int dot = name.indexOf('.');
        String digits = dot < 0 ? "" : name.substring(0, dot);
        return digits.matches("\\d{1,18}") ? OptionalLong.of(Long.parseLong(digits)) : OptionalLong.empty();
    }

    @Override
    public long count() throws IOException {
        try (var dirs = Files.list(evidence)) {
            return dirs.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

}
