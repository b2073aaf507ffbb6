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
import java.util.ArrayList;
import java.util.List;
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

    /** What a dock holds open: uploads created and not yet committed, deleted or expired. */
    record Usage(int uploads, long bytes) {
        static final Usage NONE = new Usage(0, 0);

        Usage plus(long length) {
            return new Usage(uploads + 1, bytes + length);
        }

        Usage minus(long length) {
            return new Usage(uploads - 1, bytes - length);
        }
    }

    /** A new upload would take its dock over one of its limits: the body of the 429 says which. */
    static final class OverLimit extends Exception {
        OverLimit(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Duration expiry;
    private final Clock clock;
    private final int maxOpenUploads;
    private final long maxBytesInFlight;
    /** Per dock; rebuilt from the upload files at start, so a restart forgets nothing. */
    private final ConcurrentHashMap<String, Usage> usage = new ConcurrentHashMap<>();
    /**
     * One lock per upload: a PATCH holds its upload's lock while it stages and appends; a commit
     * only tries it, and refuses (409) an upload still being written. No lock is shared between
     * uploads, so one slow dock never holds another up.
     */
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    UploadStore(Path dir, Duration expiry, Clock clock, int maxOpenUploads, long maxBytesInFlight) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.expiry = expiry;
        this.clock = clock;
        this.maxOpenUploads = maxOpenUploads;
        this.maxBytesInFlight = maxBytesInFlight;
        for (Upload u : all()) {
            usage.merge(u.owner(), Usage.NONE.plus(u.length()), (a, b) -> new Usage(a.uploads() + 1, a.bytes() + b.bytes()));
        }
    }

    /** Every upload on disk (one whose description cannot be read is skipped: it is being created or deleted). */
    List<Upload> all() throws IOException {
        List<Upload> list = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".json") && ID.matcher(name.substring(0, name.length() - 5)).matches()) {
                    read(name.substring(0, name.length() - 5)).ifPresent(list::add);
                }
            }
        }
        return list;
    }

    /** The dock's open uploads and their declared bytes. */
    Usage usage(String owner) {
        return usage.getOrDefault(owner, Usage.NONE);
    }

    Upload create(String owner, long length) throws IOException, OverLimit {
        String[] refusal = new String[1];
        usage.compute(owner, (k, u) -> {
            Usage now = u == null ? Usage.NONE : u;
            if (now.uploads() >= maxOpenUploads) {
                refusal[0] = "dock " + owner + " has " + now.uploads() + " open uploads, the limit (max-open-uploads-per-dock); "
                        + "commit or delete some first";
            } else if (now.bytes() + length > maxBytesInFlight) {
                refusal[0] = "dock " + owner + " has " + now.bytes() + " bytes in open uploads; " + length + " more would pass the limit of "
                        + maxBytesInFlight + " (max-bytes-in-flight-per-dock); commit or delete some first";
            } else {
                return now.plus(length);
            }
            return u;
        });
        if (refusal[0] != null) {
            throw new OverLimit(refusal[0]);
        }
        try {
            return createFiles(owner, length);
        } catch (IOException | RuntimeException e) {
            usage.computeIfPresent(owner, (k, u) -> u.minus(length));
            throw e;
        }
    }

    private Upload createFiles(String owner, long length) throws IOException {
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
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(id).filter(u -> u.owner().equals(owner));
    }

    private Optional<Upload> read(String id) throws IOException {
        JsonNode j;
        try {
            j = JSON.readTree(dir.resolve(id + ".json").toFile());
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new Upload(id, j.path("owner").asText(), j.path("length").asLong(), Instant.parse(j.path("expires").asText())));
    }

    /**
     * Removes every expired upload that no request is writing (one being written is left for the
     * next sweep); the number removed. Run by the {@link Sweeper}, so expiry needs no touch.
     */
    int sweep() throws IOException {
        int removed = 0;
        for (Upload u : all()) {
            if (!expired(u)) {
                continue;
            }
            ReentrantLock l = lock(u.id());
            if (l.tryLock()) {
                try {
                    delete(u);
                    removed++;
                } finally {
                    l.unlock();
                }
            }
        }
        return removed;
    }

    boolean expired(Upload u) {
        return clock.instant().isAfter(u.expires());
    }

    long offset(Upload u) throws IOException {
        return Files.size(bin(u.id()));
    }

    /** SHA-256 (hex) of the upload's bytes so far. */
    String sha256(Upload u) throws IOException {
        return org.bwcdock.format.pki.Digests.sha256Hex(bin(u.id()));
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

    /** Removes the upload; its bytes no longer count against its dock (once, however often it is called). */
    void delete(Upload u) throws IOException {
        if (Files.deleteIfExists(dir.resolve(u.id() + ".json"))) {
            usage.computeIfPresent(u.owner(), (k, now) -> now.uploads() <= 1 ? null : now.minus(u.length()));
        }
        Files.deleteIfExists(staging(u.id()));
        Files.deleteIfExists(bin(u.id()));
        locks.remove(u.id());
    }

    void fsyncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
