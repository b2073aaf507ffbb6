package org.bwcdock.agent.volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The simulated mount: each camera's storage is a directory named by its serial. */
final class DirectoryMounter implements Mounter {
    private static final Pattern SAFE_SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private final Path base;
    private final long bytesPerSecond;

    DirectoryMounter(Path base, long bytesPerSecond) {
        this.base = base;
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public InputStream reading(InputStream file) {
        return bytesPerSecond > 0 ? new PacedInputStream(file, bytesPerSecond) : file;
    }

    @Override
    public Path mountReadOnly(Path device, String serial) throws IOException {
        // The serial comes from the camera: it names a directory only when it is plainly a name.
        if (!SAFE_SERIAL.matcher(serial).matches() || serial.startsWith(".")) {
            throw new IOException("camera serial " + serial + " cannot name a simulated volume");
        }
        Path dir = base.resolve(serial);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no simulated volume for camera " + serial);
        }
        return dir.toRealPath();
    }

    @Override
    public Path remountWritable(Path device, String serial) throws IOException {
        return mountReadOnly(device, serial);
    }

    @Override
    public void unmount(Path device) {
        // nothing was mounted
    }
}
