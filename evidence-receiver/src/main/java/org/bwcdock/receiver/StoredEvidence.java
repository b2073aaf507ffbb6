package org.bwcdock.receiver;

import org.bwcdock.format.pki.Digests;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored evidence as {@link Fixity} reads it, whatever the store: the evidence ids, and each
 * evidence's named objects ({@code part-N.cms}, {@code manifest.json}, ...). Read only.
 */
interface StoredEvidence {
    /** An object's size and SHA-256 (hex), hashed as it is stored now. */
    record Hashed(long size, String sha256) {
    }

    /** Every evidence id with anything stored under it, in name order. */
    List<String> ids() throws IOException;

    /** The object's bytes, if it is there (small objects: manifest, signature, receipt). */
    Optional<byte[]> read(String evidenceId, String name) throws IOException;

    /** The object hashed as it is stored, if it is there (parts, which may be large: streamed). */
    Optional<Hashed> hash(String evidenceId, String name) throws IOException;

    /** The {@code evidence/} directory of a receiver's {@code --store}; follows no symbolic link. */
    static StoredEvidence directory(Path store) {
        return new Directory(store.resolve("evidence"));
    }

    record Directory(Path evidence) implements StoredEvidence {
        @Override
        public List<String> ids() throws IOException {
            List<String> ids = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(evidence)) {
                for (Path p : s) {
                    String name = p.getFileName().toString();
                    if (!name.endsWith(".tmp") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        ids.add(name);
                    }
                }
            }
            ids.sort(null);
            return ids;
        }

        @Override
        public Optional<byte[]> read(String evidenceId, String name) throws IOException {
            Path f = evidence.resolve(evidenceId).resolve(name);
            return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
        }

        @Override
        public Optional<Hashed> hash(String evidenceId, String name) throws IOException {
            Path f = evidence.resolve(evidenceId).resolve(name);
            return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Optional.of(new Hashed(Files.size(f), Digests.sha256Hex(f)))
                    : Optional.empty();
        }
    }
}
