package org.bwcdock.sandbox;

import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;

/**
 * {@code ./bwcdock demo}: a whole dock on this machine, no hardware. For now it provisions a
 * throwaway identity, starts the real agent with simulated hardware, and stops it cleanly.
 */
public final class Sandbox {
    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "sandbox-logback.xml");
        Path work = Files.createTempDirectory("bwcdock-sandbox-");
        int status = 1;
        try {
            status = run(work);
        } finally {
            deleteTree(work);
        }
        System.exit(status);
    }

    static int run(Path work) throws Exception {
        ThrowawayPki.selfSigned("sandbox-dock-01", work.resolve("dock.crt"), work.resolve("dock.key"));
        ThrowawayPki.selfSigned("sandbox-evidence", work.resolve("evidence.crt"), work.resolve("evidence.key"));
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(work.resolve(d));
        }
        Path config = Files.writeString(work.resolve("agent.toml"), """
                dockId = "sandbox-dock-01"
                hardware = "simulated"
                stateDirectory = "state"

                [identity]
                certificate = "dock.crt"
                privateKey = "dock.key"

                [spool]
                directory = "state/spool"
                quota = "1 GiB"

                [usb]
                sysRoot = "sys"
                devRoot = "dev"
                simulatedVolumes = "cameras"

                [[bays]]
                number = 1
                usbPort = "1-1.1"

                [[bays]]
                number = 2
                usbPort = "1-1.2"

                [[bays]]
                number = 3
                usbPort = "1-1.3"

                [[bays]]
                number = 4
                usbPort = "1-1.4"

                [[cameraProfiles]]
                name = "sandbox-camera"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]

                [evidence]
                url = "http://127.0.0.1:9/uploads/"
                recipients = ["evidence.crt"]
                receiptSigners = "evidence.crt"
                """);
        AgentConfig cfg = ConfigLoader.load(config);
        System.out.println("sandbox: " + cfg.summary().replace("\n", "\nsandbox: "));
        try (DockAgent agent = DockAgent.create(cfg, Clock.systemUTC())) {
            agent.start();
            System.out.println("sandbox: agent up; audit chain " + (agent.ledger().verifyAudit().ok() ? "verifies" : "BROKEN"));
        }
        System.out.println("sandbox: agent stopped cleanly");
        return 0;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
