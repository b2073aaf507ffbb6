package org.bwcdock.receiver;

import org.bwcdock.format.io.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
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
 * tus uploads on the local filesystem: {@code <id>.bin} holds the bytes (its length is the offset, so it survives a
 * restart), {@code <id>.json} who created it, how long it will be, and when it expires.
 */
final class FileUploadStore implements UploadStore {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    /** PATCH bodies wait here until their checksum passed; only then are they appended to {@link #bin}. */
    private final StagedBodies bodies;
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
    /** SHA-256 (hex) of uploads that arrived whole in one PATCH, taken as they were staged. */
    private final CompleteDigests<String> complete = new CompleteDigests<>();

    FileUploadStore(Path dir, Duration expiry, Clock clock, int maxOpenUploads, long maxBytesInFlight) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.bodies = new StagedBodies(this.dir);
        this.expiry = expiry;
        this.clock = clock;
        this.maxOpenUploads = maxOpenUploads;
        this.maxBytesInFlight = maxBytesInFlight;
        for (Upload u : all()) {
            usage.merge(u.owner(), Usage.NONE.plus(u.length()), (a, b) -> new Usage(a.uploads() + 1, a.bytes() + b.bytes()));
        }
    }

    /** Every upload on disk (one whose description cannot be read is skipped: it is being created or deleted). */
    @Override
    public List<Upload> all() throws IOException {
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
    @Override
    public Usage usage(String owner) {
        return usage.getOrDefault(owner, Usage.NONE);
    }

    @Override
    public Upload create(String owner, long length) throws IOException, OverLimit {
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
    @Override
    public Optional<Upload> find(String id, String owner) throws IOException {
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
    @Override
    public int sweep() throws IOException {
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

    @Override
    public boolean expired(Upload u) {
        return clock.instant().isAfter(u.expires());
    }

    @Override
    public long offset(Upload u) throws IOException {
        return Files.size(bin(u.id()));
    }

    /** SHA-256 (hex) of the upload's bytes so far: the one taken while they arrived, if they came whole in one PATCH. */
    @Override
    public String sha256(Upload u) throws IOException {
        Optional<String> known = complete.get(u.id());
        if (known.isPresent() && offset(u) == u.length()) {
            return known.get();
        }
        return org.bwcdock.format.pki.Digests.sha256Hex(bin(u.id()));
    }

    @Override
    public java.io.InputStream read(Upload u) throws IOException {
        return Files.newInputStream(bin(u.id()));
    }

    Path bin(String id) {
        return dir.resolve(id + ".bin");
    }

    @Override
    public WritableByteChannel stage(Upload u) throws IOException {
        return bodies.open(u.id());
    }

    @Override
    public boolean hasStaged(Upload u) {
        return bodies.has(u.id());
    }

    @Override
    public void discardStaged(Upload u) throws IOException {
        bodies.discard(u.id());
    }

    @Override
    public void keepStaged(Upload u, long offset, long length, byte[] sha256) throws IOException {
        Path staged = bodies.file(u.id());
        if (offset == 0) {
            // The first bytes of an upload (a whole part, as the dock sends it): the staged file becomes
            // the upload, renamed rather than copied, so each byte is written once.
            try (FileChannel c = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                c.force(false);
            }
            Files.move(staged, bin(u.id()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir();
            if (length == u.length()) {
                complete.put(u.id(), java.util.HexFormat.of().formatHex(sha256));
            }
            return;
        }
        try (FileChannel in = FileChannel.open(staged, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(bin(u.id()), StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                done += in.transferTo(done, length - done, out.position(offset + done));
            }
            out.force(false);
        }
        Files.deleteIfExists(staged);
    }

    @Override
    public ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    /** Removes the upload; its bytes no longer count against its dock (once, however often it is called). */
    @Override
    public void delete(Upload u) throws IOException {
        if (Files.deleteIfExists(dir.resolve(u.id() + ".json"))) {
            usage.computeIfPresent(u.owner(), (k, now) -> now.uploads() <= 1 ? null : now.minus(u.length()));
        }
        bodies.discard(u.id());
        Files.deleteIfExists(bin(u.id()));
        complete.forget(u.id());
        locks.remove(u.id());
    }

    void fsyncDir() throws IOException {
        FileTrees.fsyncDirectory(dir);
    }
}
