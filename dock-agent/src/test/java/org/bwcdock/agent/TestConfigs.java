package org.bwcdock.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A minimal valid agent.toml in a temp dir, with placeholder identity files. */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static Path minimal(Path dir) throws IOException {
        Files.writeString(dir.resolve("dock.crt"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("dock.key"), "-----BEGIN PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return Files.writeString(dir.resolve("agent.toml"), """
                dockId = "dock-test-01"
                hardware = "none"
                stateDirectory = "state"

                [identity]
                certificate = "dock.crt"
                privateKey = "dock.key"

                [spool]
                directory = "state/spool"
                quota = "64 MiB"
                partSize = "1 MiB"

                [[bays]]
                number = 1
                usbPort = "1-1.1"

                [[cameraProfiles]]
                name = "test-camera"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]
                """);
    }
}
