package org.bwcdock.agent.volume;

import org.bwcdock.format.NameBytes;
import org.bwcdock.format.pki.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.regex.Pattern;

final class MountedVolume implements CameraVolume {
    private static final Logger log = LoggerFactory.getLogger(MountedVolume.class);
    private static final int MAX_INFO_BYTES = 4096;
    private static final Pattern INFO_KEY = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern INFO_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Pieces the wipe hashes at once: two cores' worth; a USB 2 camera is the limit long before more would help. */
    private static final int VERIFY_THREADS = 2;

    private final Mounter mounter;
    private final Path device;
    private final String serial;
    /** Where the volume is mounted now: the writable mount point udisks2 returned replaces the read-only one. */
    private volatile Path root;
    private final VolumeLimits limits;
    private final String where;
    private final Supplier<ExecutorService> readerThreads;

    MountedVolume(Mounter mounter, Path device, String serial, Path root, VolumeLimits limits, String where) {
        this.mounter = mounter;
        this.device = device;
        this.serial = serial;
        this.root = root;
        this.limits = limits;
        this.where = where;
        this.readerThreads = DeadlineReader.namedThreads("bwcdock-read-" + serial);
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Listing listStableFootage() throws InterruptedException {
        Listing first = new SafeLister(root, limits).list();
        if (!limits.stableInterval().isZero() && !first.files().isEmpty()) {
            Thread.sleep(limits.stableInterval().toMillis()); // the point is to let time pass, not to synchronise
        }
        return SafeLister.stable(root, first, mounter.stableInodes());
    }

    /**
     * The listed file, re-resolved inside the current root and re-checked: still a regular file of
     * the listed size and modification time, and the same inode where the filesystem keeps inode
     * numbers stable (FAT and exFAT do not: there the wipe's hash re-check is what identifies it).
     */
    private Path checked(FootageFile f) throws IOException {
        Path here = root;
        Path p;
        try {
            p = NameBytes.resolve(here, f.relativePath()); // by its bytes: a name that is not UTF-8 too
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + f.relativePath() + " is outside the camera volume: " + e.getMessage());
        }
        if (!p.normalize().startsWith(here)) {
            throw new IOException(where + ": " + f.relativePath() + " is outside the camera volume");
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile() || mounter.stableInodes() && !Objects.equals(a.fileKey(), f.fileKey())) {
            throw new IOException(where + ": " + f.relativePath() + " is no longer the regular file that was listed");
        }
        return p;
    }

    /**
     * Opens a listed file. Permission denied comes out as the JDK's {@link java.nio.file.AccessDeniedException},
     * a name the filesystem no longer finds as {@link NoSuchFileException} (both: the file is refused,
     * not retried in this docking); but a volume that is gone altogether (a camera pulled, its mount
     * point removed) is an I/O error, retried at the next docking.
     */
    @Override
    public InputStream open(FootageFile f) throws IOException {
        return open(f, 0);
    }

    /** As {@link #open(FootageFile)}, reading from {@code offset} on. */
    private InputStream open(FootageFile f, long offset) throws IOException {
        try {
            Path p = checked(f);
            return mounter.reading(DeadlineReader.open(readerThreads, p, where + ": " + f.relativePath(), limits.readTimeout(),
                    file -> FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS).position(offset)));
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(where + ": " + f.relativePath() + ": the camera volume is gone", e);
            }
            throw e;
        }
    }

    @Override
    public boolean unchanged(FootageFile f) {
        try {
            BasicFileAttributes a = Files.readAttributes(checked(f), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.size() == f.size() && a.lastModifiedTime().toMillis() == f.mtimeMillis();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Map<String, String> deviceInfo(String relativePath) {
        Map<String, String> info = new LinkedHashMap<>();
        try {
            Path p = NameBytes.resolve(root, relativePath);
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!p.startsWith(root) || !a.isRegularFile() || a.size() > MAX_INFO_BYTES) {
                log.warn("{}: device info {} ignored: not a regular file of at most {} bytes", where, relativePath, MAX_INFO_BYTES);
                return info;
            }
            byte[] bytes;
            try (InputStream in = open(new FootageFile(relativePath, a.size(), a.lastModifiedTime().toMillis(), a.fileKey()))) {
                bytes = in.readNBytes(MAX_INFO_BYTES);
            }
            for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\r?\n")) {
                int eq = line.indexOf('=');
                if (line.isBlank() || line.startsWith("#") || eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
                String value = line.substring(eq + 1).trim();
                if (INFO_KEY.matcher(key).matches() && INFO_VALUE.matcher(value).matches()) {
                    info.putIfAbsent(key, value);
                } else {
                    log.warn("{}: device info line ignored (unexpected characters): {}", where, key);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{}: device info {} unreadable: {}", where, relativePath, e.getMessage());
        }
        return info;
    }

    /**
     * Mounts writable (udisks2 may choose another mount point: that one is used from now on) and
     * deletes each file only once it is known again there by path, size, modification time and every
     * byte: each piece re-read now must hash as at the ingest. The pieces of all the files are hashed
     * on up to {@link #VERIFY_THREADS} threads at once, then the files are deleted in order. Inode
     * numbers are not compared across the two mounts: FAT and exFAT give the same file another number
     * on every mount.
     */
    @Override
    public List<Skipped> wipe(Map<FootageFile, Fingerprint> expected) throws IOException {
        List<Skipped> refused = new ArrayList<>();
        Path writable = mounter.remountWritable(device, serial).toRealPath();
        if (!writable.equals(root)) {
            log.info("{}: mounted writable at {}", where, writable);
        }
        root = writable;
        Map<FootageFile, List<Future<Optional<String>>>> checks = new LinkedHashMap<>();
        ExecutorService hashing = Executors.newFixedThreadPool(VERIFY_THREADS, numbered("bwcdock-wipe-" + serial + "-"));
        try {
            for (Map.Entry<FootageFile, Fingerprint> e : expected.entrySet()) {
                FootageFile f = e.getKey();
                try {
                    BasicFileAttributes a = Files.readAttributes(checked(f), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.size() != f.size() || a.lastModifiedTime().toMillis() != f.mtimeMillis()) {
                        refused.add(new Skipped(f.relativePath(), "size or modification time changed since the ingest: not deleted"));
                        continue;
                    }
                } catch (IOException ex) {
                    refused.add(new Skipped(f.relativePath(), "not deleted: " + ex.getMessage()));
                    continue;
                }
                List<Future<Optional<String>>> pieces = new ArrayList<>();
                for (Fingerprint.Piece piece : e.getValue().piecesOf(f.size())) {
                    pieces.add(hashing.submit(() -> mismatch(f, piece, piece.length() == f.size())));
                }
                checks.put(f, pieces);
            }
            for (Map.Entry<FootageFile, List<Future<Optional<String>>>> c : checks.entrySet()) {
                FootageFile f = c.getKey();
                try {
                    Optional<String> wrong = firstMismatch(c.getValue());
                    if (wrong.isPresent()) {
                        refused.add(new Skipped(f.relativePath(), wrong.get() + ": not deleted"));
                        continue;
                    }
                    Files.delete(checked(f));
                } catch (IOException ex) {
                    refused.add(new Skipped(f.relativePath(), "not deleted: " + ex.getMessage()));
                }
            }
        } finally {
            hashing.shutdownNow(); // a read stuck on a dead camera is the deadline reader's to abandon
        }
        return refused;
    }

    private static java.util.concurrent.ThreadFactory numbered(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> new Thread(r, prefix + n.incrementAndGet());
    }

    private static Optional<String> firstMismatch(List<Future<Optional<String>>> pieces) throws IOException {
        for (Future<Optional<String>> piece : pieces) {
            try {
                Optional<String> wrong = piece.get();
                if (wrong.isPresent()) {
                    return wrong;
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().toString(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("wipe interrupted while the camera was re-read");
            }
        }
        return Optional.empty();
    }

    /** Why this piece is not what was ingested, or empty if it is. */
    private Optional<String> mismatch(FootageFile f, Fingerprint.Piece piece, boolean wholeFile) throws IOException {
        MessageDigest d = Digests.sha256();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = open(f, piece.offset())) {
            for (long left = piece.length(); left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return Optional.of("shorter than at the ingest");
                }
                d.update(buf, 0, n);
                left -= n;
            }
        }
        String actual = HexFormat.of().formatHex(d.digest());
        if (actual.equals(piece.sha256())) {
            return Optional.empty();
        }
        return Optional.of((wholeFile ? "" : "bytes " + piece.offset() + " to " + (piece.offset() + piece.length()) + ": ")
                + "SHA-256 now " + actual + ", receipted " + piece.sha256());
    }

    @Override
    public void close() {
        try {
            mounter.unmount(device);
        } catch (IOException e) {
            log.warn("{}: unmount failed: {}", where, e.getMessage());
        }
    }
}
