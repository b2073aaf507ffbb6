package org.bwcdock.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.HashSet;
import java.util.Set;

/**
 * Files on disk the way evidence needs them: a tree deleted (symbolic links removed, never
 * followed), bytes written and forced to disk, a directory's entries made durable.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Writes {@code bytes} as the content of {@code file}, opened with {@code options} (WRITE is
     * implied) and, if created, with {@code attributes}; returns once the bytes are on disk.
     */
    public static void writeSynced(Path file, byte[] bytes, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        Set<OpenOption> open = new HashSet<>(options);
        open.add(StandardOpenOption.WRITE);
        try (FileChannel c = FileChannel.open(file, open, attributes)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        }
    }

    /** Makes the entries of {@code dir} durable (a name created, renamed or removed in it): fsync of the directory. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Deletes {@code root} and everything under it; nothing happens if it does not exist. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
