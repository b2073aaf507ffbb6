package org.bwcdock.receiver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a PATCH body waits, one file per upload ({@code <id>.stage}), until its checksum passed and
 * the upload store keeps it: the same for every {@link UploadStore}, whatever then keeps the bytes.
 */
final class StagedBodies {
    private final Path dir;

    StagedBodies(Path dir) {
        this.dir = dir;
    }

    Path file(String id) {
        return dir.resolve(id + ".stage");
    }

    WritableByteChannel open(String id) throws IOException {
        return FileChannel.open(file(id), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    boolean has(String id) {
        return Files.exists(file(id));
    }

    void discard(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }
}
