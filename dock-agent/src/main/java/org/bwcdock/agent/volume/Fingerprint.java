package org.bwcdock.agent.volume;

import java.util.Comparator;
import java.util.List;

/**
 * What a file was when it was ingested, as the wipe checks it again: the SHA-256 of the whole file and
 * of each piece (the manifest's parts), so that the pieces can be hashed at once on several cores.
 * Pieces that do not tile the file exactly are not used: then the whole file is hashed in one pass.
 */
public record Fingerprint(String sha256, List<Piece> pieces) {
    /** {@code length} bytes from {@code offset}, with their SHA-256 (hex). */
    public record Piece(long offset, long length, String sha256) {
    }

    public Fingerprint {
        pieces = List.copyOf(pieces);
    }

    /** Only the whole file's hash. */
    public static Fingerprint whole(String sha256) {
        return new Fingerprint(sha256, List.of());
    }

    /** The pieces to hash for a file of {@code size} bytes: the recorded ones if they tile it from 0, else the whole file. */
    List<Piece> piecesOf(long size) {
        List<Piece> sorted = pieces.stream().sorted(Comparator.comparingLong(Piece::offset)).toList();
        long at = 0;
        for (Piece p : sorted) {
            if (p.offset() != at || p.length() <= 0) {
                return List.of(new Piece(0, size, sha256));
            }
            at += p.length();
        }
        return at == size && !sorted.isEmpty() ? sorted : List.of(new Piece(0, size, sha256));
    }
}
