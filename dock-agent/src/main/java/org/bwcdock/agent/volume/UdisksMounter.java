package org.bwcdock.agent.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mounting through udisks2's command-line client, so the agent runs unprivileged: udisks mounts,
 * polkit decides (systemd/50-bwcdock.rules). Every call has a deadline.
 */
final class UdisksMounter implements Mounter {
    static final String READ_ONLY = "ro,nosuid,nodev,noexec";
    static final String WRITABLE = "rw,nosuid,nodev,noexec";
    private static final Pattern MOUNTED_AT = Pattern.compile("Mounted \\S+ at (/\\S+?)\\.?\\s*$", Pattern.MULTILINE);

    private final Duration timeout;

    UdisksMounter(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Path mountReadOnly(Path device, String serial) throws IOException {
        return mount(device, READ_ONLY);
    }

    @Override
    public Path remountWritable(Path device, String serial) throws IOException {
        unmount(device);
        return mount(device, WRITABLE);
    }

    private Path mount(Path device, String options) throws IOException {
        String out = run(mountCommand(device, options));
        return mountPoint(out).orElseThrow(() -> new IOException("udisksctl mount " + device + ": unexpected answer: " + out.trim()));
    }

    @Override
    public void unmount(Path device) throws IOException {
        run(List.of("udisksctl", "unmount", "--no-user-interaction", "-b", device.toString()));
    }

    static List<String> mountCommand(Path device, String options) {
        return List.of("udisksctl", "mount", "--no-user-interaction", "-b", device.toString(), "-o", options);
    }

    /** udisksctl prints "Mounted /dev/sdb1 at /media/bwcdock/3A1F-22C9" (older versions add a full stop). */
    static java.util.Optional<Path> mountPoint(String udisksOutput) {
        Matcher m = MOUNTED_AT.matcher(udisksOutput);
        return m.find() ? java.util.Optional.of(Path.of(m.group(1))) : java.util.Optional.empty();
    }

    private String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", cmd) + ": no answer within " + timeout.toSeconds() + " s");
            }
            String out = new String(p.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.trim());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(String.join(" ", cmd) + ": interrupted");
        } finally {
            p.destroyForcibly();
        }
    }
}
