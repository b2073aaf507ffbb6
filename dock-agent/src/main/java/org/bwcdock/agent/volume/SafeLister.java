package org.bwcdock.agent.volume;

import org.bwcdock.format.NameBytes;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lists a camera volume without trusting it: never follows a symbolic link, never opens anything
 * but a directory while listing, never leaves the root, and stops at fixed bounds of depth, count
 * and name length. Whatever it passes over, it says why.
 */
final class SafeLister {
    private final Path root;
    private final VolumeLimits limits;
    private final List<PathMatcher> footage;
    private int seen;
    private final List<Skipped> refused = new ArrayList<>();

    SafeLister(Path root, VolumeLimits limits) {
        this.root = root;
        this.limits = limits;
        this.footage = limits.footage().stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    }

    Listing list() {
        List<FootageFile> files = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        walk(root, new byte[0], 0, files, skipped);
        return new Listing(files, skipped, refused);
    }

    /**
     * At most {@code maxFiles} entries per directory and ten times that in all: a flooded directory
     * is cut short, and the footage elsewhere is still found.
     */
    private void walk(Path dir, byte[] dirBytes, int depth, List<FootageFile> files, List<Skipped> skipped) {
        String dirName = NameBytes.decode(dirBytes);
        int here = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (++here > limits.maxFiles()) {
                    skipped.add(new Skipped(dirName, "directory holds more than " + limits.maxFiles()
                            + " entries; the rest was not listed"));
                    return;
                }
                if (++seen > 10L * limits.maxFiles()) {
                    if (seen == 10L * limits.maxFiles() + 1) {
                        skipped.add(new Skipped(dirName, "volume holds more than " + 10L * limits.maxFiles()
                                + " entries; the rest was not listed"));
                    }
                    return;
                }
                visit(p, dirBytes, depth, files, skipped);
            }
        } catch (IOException | RuntimeException e) {
            skipped.add(new Skipped(dirName, "cannot list directory: " + e.getMessage()));
        }
    }

    private void visit(Path p, byte[] dirBytes, int depth, List<FootageFile> files, List<Skipped> skipped) {
        // Names are bytes: one that is not UTF-8 is kept as it is (NameBytes) and taken like any other.
        byte[] name = NameBytes.fileName(p);
        byte[] raw = dirBytes.length == 0 ? name : concat(dirBytes, name);
        String rel = NameBytes.decode(raw);
        if (name.length > limits.maxNameBytes()) {
            skipped.add(new Skipped(rel.substring(0, Math.min(rel.length(), 80)) + "…",
                    "name longer than " + limits.maxNameBytes() + " bytes"));
            return;
        }
        Path relPath = p.subpath(root.getNameCount(), p.getNameCount()); // the bytes, not a String: any locale
        boolean wanted = footage.stream().anyMatch(m -> m.matches(relPath));
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            // Listed by the directory, not found by its own name: fusefat does this with a FAT short
            // name in an OEM code page. It will be the same at every read: refused, not skipped.
            if (wanted) {
                refused.add(new Skipped(rel, "cannot be read: the camera's filesystem lists this name but finds no file by it"));
            } else {
                skipped.add(new Skipped(rel, "cannot read attributes: listed, but no file by that name"));
            }
            return;
        } catch (IOException e) {
            skipped.add(new Skipped(rel, "cannot read attributes: " + e.getMessage()));
            return;
        }
        if (a.isSymbolicLink()) {
            skipped.add(new Skipped(rel, "symbolic link: not followed"));
        } else if (a.isDirectory()) {
            if (wanted) {
                skipped.add(new Skipped(rel, "a directory named like footage"));
            }
            if (depth + 1 >= limits.maxDepth()) {
                skipped.add(new Skipped(rel, "deeper than " + limits.maxDepth() + " levels: not listed"));
            } else {
                walk(p, raw, depth + 1, files, skipped);
            }
        } else if (a.isOther()) {
            skipped.add(new Skipped(rel, "not a regular file (device, FIFO or socket): never opened"));
        } else if (a.isRegularFile() && wanted) {
            if (a.size() > limits.maxFileSize()) {
                skipped.add(new Skipped(rel, a.size() + " bytes is over the profile's limit of " + limits.maxFileSize()));
            } else {
                files.add(new FootageFile(rel, a.size(), a.lastModifiedTime().toMillis(), a.fileKey()));
            }
        }
    }

    /**
     * Re-reads each file after the listing: one whose size, mtime or (where inode numbers are
     * stable) inode moved is not yet taken.
     */
    static Listing stable(Path root, Listing listing, boolean stableInodes) {
        List<FootageFile> kept = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>(listing.skipped());
        for (FootageFile f : listing.files()) {
            try {
                BasicFileAttributes a = Files.readAttributes(NameBytes.resolve(root, f.relativePath()), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.size() == f.size() && a.lastModifiedTime().toMillis() == f.mtimeMillis()
                        && (!stableInodes || Objects.equals(a.fileKey(), f.fileKey()))) {
                    kept.add(f);
                } else {
                    skipped.add(new Skipped(f.relativePath(), "still changing (size or modification time moved); taken later"));
                }
            } catch (IOException e) {
                skipped.add(new Skipped(f.relativePath(), "vanished while listing: " + e.getMessage()));
            }
        }
        return new Listing(kept, skipped, listing.refused());
    }

    private static byte[] concat(byte[] dir, byte[] name) {
        byte[] out = new byte[dir.length + 1 + name.length];
        System.arraycopy(dir, 0, out, 0, dir.length);
        out[dir.length] = '/';
        System.arraycopy(name, 0, out, dir.length + 1, name.length);
        return out;
    }
}
