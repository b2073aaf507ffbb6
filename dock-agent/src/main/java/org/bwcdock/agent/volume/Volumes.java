package org.bwcdock.agent.volume;

import java.io.IOException;
import java.nio.file.Path;

/** Mounts a camera and hands back its volume. */
public final class Volumes {
    private Volumes() {
    }

    /**
     * @param where "camera X bay N", the prefix of every message about this volume
     */
    public static CameraVolume mount(Mounter mounter, Path device, String serial, VolumeLimits limits, String where)
            throws IOException {
        Path root = mounter.mountReadOnly(device, serial).toRealPath();
        return new MountedVolume(mounter, device, serial, root, limits, where);
    }
}
