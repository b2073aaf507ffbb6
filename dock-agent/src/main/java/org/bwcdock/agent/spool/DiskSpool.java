package org.bwcdock.agent.spool;

import org.bwcdock.format.io.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class DiskSpool implements Spool {
    private static final Logger log = LoggerFactory.getLogger(DiskSpool.class);
    private static final String TMP = ".tmp";
    /** Names of {@link Spool#partName}, {@link Spool#manifestName} and {@link Spool#signatureName}. */
    private static final Pattern SPOOL_FILE = Pattern.compile("f(\\d{1,18})(?:-p\\d+\\.cms|\\.manifest\\.json|\\.manifest\\.p7s)");

    private final Path dir;
    private final long quota;
    /** What one camera may hold while another camera waits for room. */
    private final long cameraShare;
    /** Room admitted per evidence file, with its camera, until the file leaves the spool. Guarded by {@link #lock}. */
    private final Map<Long, Admitted> admitted = new HashMap<>();
    /** Cameras waiting in {@link #admit}, with how many of their ingests wait. Guarded by {@link #lock}. */
    private final Map<String, Integer> waitingCameras = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomFreed = lock.newCondition();
    /** Bytes on disk plus bytes reserved by ingests under way. */
    private long used;
    private int waiting;

    private record Admitted(String camera, long bytes) {
    }

    private DiskSpool(Path dir, long quota, long cameraShare, long used) {
        this.dir = dir;
        this.quota = quota;
        this.cameraShare = cameraShare;
        this.used = used;
    }

    static DiskSpool open(Path dir, long quota, long cameraShare) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        long used = 0;
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (f.getFileName().toString().endsWith(TMP)) {
                    Files.delete(f);
                    removed++;
                } else if (Files.isRegularFile(f)) {
                    used += Files.size(f);
                }
            }
        }
        if (removed > 0) {
            FileTrees.fsyncDirectory(dir);
            log.info("spool {}: removed {} incomplete file(s) left by an interrupted run", dir, removed);
        }
        return new DiskSpool(dir, quota, cameraShare, used);
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public Path resolve(String name) {
        Path p = dir.resolve(name).normalize();
        if (!p.getParent().equals(dir) || name.endsWith(TMP)) {
            throw new IllegalArgumentException("not a spool file name: " + name);
        }
        return p;
    }

    @Override
    public boolean reserve(long bytes, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lockInterruptibly();
        try {
            boolean logged = false;
            // A single request larger than the whole quota is let through alone, or it would wait forever.
            while (used + bytes > quota && used > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (!logged) {
                    log.warn("spool {} full ({} of {} bytes): ingest waits for receipted evidence to leave", dir, used, quota);
                    logged = true;
                }
                waiting++;
                try {
                    roomFreed.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                } finally {
                    waiting--;
                }
            }
            used += bytes;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean admit(String camera, long fileId, long bytes, Duration maxWait, Runnable waiting) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lockInterruptibly();
        try {
            boolean told = false;
            while (!admissible(camera, bytes)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (!told) {
                    waiting.run();
                    log.warn("spool {}: camera {} waits for room ({} of {} bytes used, {} held by this camera, share {})", dir,
                            camera, used, quota, heldBy(camera), cameraShare);
                    told = true;
                }
                this.waiting++;
                waitingCameras.merge(camera, 1, Integer::sum);
                try {
                    roomFreed.await(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                } finally {
                    this.waiting--;
                    waitingCameras.computeIfPresent(camera, (k, n) -> n == 1 ? null : n - 1);
                }
            }
            used += bytes;
            admitted.merge(fileId, new Admitted(camera, bytes), (a, b) -> new Admitted(a.camera(), a.bytes() + b.bytes()));
            roomFreed.signalAll(); // a camera held back by the share rule may now be the only one left waiting
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Room in the quota (or an empty spool), and within the camera's share while any other camera
     * holds room or waits for it. A camera alone at the dock may use the whole spool; one that
     * holds nothing may always take one file, however large, or a file over the share would never go.
     */
    private boolean admissible(String camera, long bytes) {
        boolean room = used + bytes <= quota || used == 0; // one file larger than the quota goes alone
        boolean othersActive = waitingCameras.keySet().stream().anyMatch(c -> !c.equals(camera))
                || admitted.values().stream().anyMatch(a -> !a.camera().equals(camera));
        long held = heldBy(camera);
        return room && (!othersActive || held + bytes <= cameraShare || held == 0);
    }

    private long heldBy(String camera) {
        long held = 0;
        for (Admitted a : admitted.values()) {
            if (a.camera().equals(camera)) {
                held += a.bytes();
            }
        }
        return held;
    }

    @Override
    public void release(long bytes) {
        lock.lock();
        try {
            used = Math.max(0, used - bytes);
            roomFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Pending create(String name) throws IOException {
        Path target = resolve(name);
        Path tmp = dir.resolve(name + TMP);
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        return new DiskPending(ch, tmp, target);
    }

    @Override
    public void deleteAll(long fileId) throws IOException {
        deleteAllExcept(fileId, java.util.Set.of());
    }

    @Override
    public void deleteAllExcept(long fileId, java.util.Set<String> keep) throws IOException {
        String prefix = "f" + fileId + "-p";
        String manifest = "f" + fileId + ".manifest.";
        long freed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if ((n.startsWith(prefix) || n.startsWith(manifest)) && !keep.contains(n)) {
                    long size = Files.size(f);
                    Files.delete(f);
                    if (!n.endsWith(TMP)) {
                        freed += size;
                    }
                }
            }
        }
        FileTrees.fsyncDirectory(dir);
        lock.lock();
        try {
            admitted.remove(fileId);
        } finally {
            lock.unlock();
        }
        release(freed);
    }

    @Override
    public SortedSet<Long> fileIds() throws IOException {
        SortedSet<Long> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = SPOOL_FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    ids.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return ids;
    }

    @Override
    public long usedBytes() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long quotaBytes() {
        return quota;
    }

    @Override
    public boolean full() {
        lock.lock();
        try {
            return waiting > 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        release(0);
    }

    private final class DiskPending implements Pending {
        private final FileChannel channel;
        private final OutputStream stream;
        private final Path tmp;
        private final Path target;
        private boolean committed;

        DiskPending(FileChannel channel, Path tmp, Path target) {
            this.channel = channel;
            this.stream = Channels.newOutputStream(channel);
            this.tmp = tmp;
            this.target = target;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public long commit() throws IOException {
            channel.force(true);
            long size = channel.size();
            channel.close();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileTrees.fsyncDirectory(dir);
            committed = true;
            return size;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(tmp);
            }
        }
    }
}
