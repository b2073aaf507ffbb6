package org.bwcdock.agent;

import org.bwcdock.testing.ThrowawayPki;

import java.nio.file.Files;
import java.nio.file.Path;

/** A valid agent.toml in a temp dir: real test PKI, simulated USB and volumes, uploads to a closed loopback port. */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static Path minimal(Path dir) throws Exception {
        return minimal(dir, "");
    }

    /** {@code extra} is appended (more sections, e.g. [policy]). */
    public static Path minimal(Path dir, String extra) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("dock-test-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(dir.resolve(d));
        }
        return Files.writeString(dir.resolve("agent.toml"), """
                dockId = "dock-test-01"
                hardware = "none"
                stateDirectory = "state"

                [identity]
                certificate = "pki/dock-test-01-chain.pem"
                privateKey = "pki/dock-test-01.key"

                [spool]
                directory = "state/spool"
                quota = "512 MiB"
                partSize = "1 MiB"

                [usb]
                sysRoot = "sys"
                devRoot = "dev"
                simulatedVolumes = "cameras"
                debounce = "200ms"
                stableInterval = "0s"
                readTimeout = "5s"

                [[bays]]
                number = 1
                usbPort = "1-1.1"

                [[bays]]
                number = 2
                usbPort = "1-1.2"

                [[cameraProfiles]]
                name = "test-camera"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]

                [evidence]
                url = "http://127.0.0.1:9/uploads/"
                recipients = ["pki/evidence.pem"]
                receiptSigners = "pki/ca.pem"
                """ + extra);
    }

}
