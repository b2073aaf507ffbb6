package org.bwcdock.receiver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * tus uploads on disk: {@code <id>.bin} holds the bytes (its length is the offset, so it survives a
 * restart), {@code <id>.json} who created it, how long it will be, and when it expires.
 */
final class UploadStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Upload(String id, String owner, long length, Instant expires) {
    }

    private final Path dir;
    private final Duration expiry;
    private final Clock clock;
    /**
     * One lock per upload: a PATCH holds its upload's lock while it stages and appends; a commit
     * only tries it, and refuses (409) an upload still being written. No lock is shared between
     * uploads, so one slow dock never holds another up.
     */
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    UploadStore(Path dir, Duration expiry, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.expiry = expiry;
        this.clock = clock;
    }

    Upload create(String owner, long length) throws IOException {
        String id = UUID.randomUUID().toString().replace("-", "");
        Instant expires = clock.instant().plus(expiry);
        Files.createFile(bin(id));
        byte[] info = JSON.writeValueAsBytes(JSON.createObjectNode().put("owner", owner).put("length", length)
                .put("expires", expires.toString()));
        Path tmp = dir.resolve(id + ".json.tmp");
        Files.write(tmp, info);
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        fsyncDir();
        return new Upload(id, owner, length, expires);
    }

    /** The upload, if it exists and belongs to {@code owner}; another dock's upload does not exist for it. */
    Optional<Upload> find(String id, String owner) throws IOException {
        if (!ID.matcher(id).matches() || !Files.exists(dir.resolve(id + ".json"))) {
            return Optional.empty();
        }
        JsonNode j = JSON.readTree(dir.resolve(id + ".json").toFile());
        if (!j.path("owner").asText().equals(owner)) {
            return Optional.empty();
        }
        return Optional.of(new Upload(id, owner, j.path("length").asLong(), Instant.parse(j.path("expires").asText())));
    }

    boolean expired(Upload u) {
        return clock.instant().isAfter(u.expires());
    }

    long offset(Upload u) throws IOException {
        return Files.size(bin(u.id()));
    }

    Path bin(String id) {
        return dir.resolve(id + ".bin");
    }

    /** Where a PATCH body waits until its checksum passed; only then is it appended to {@link #bin}. */
    Path staging(String id) {
        return dir.resolve(id + ".stage");
    }

    ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    void delete(Upload u) throws IOException {
        Files.deleteIfExists(staging(u.id()));
        Files.deleteIfExists(bin(u.id()));
        Files.deleteIfExists(dir.resolve(u.id() + ".json"));
        locks.remove(u.id());
    }

    void fsyncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
