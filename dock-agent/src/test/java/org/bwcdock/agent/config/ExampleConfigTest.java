package org.bwcdock.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example shipped as /etc/bwcdock/agent.toml must load, once its files exist. */
@Timeout(30)
class ExampleConfigTest {
    static final Path EXAMPLE = Path.of("..", "systemd", "agent.toml");

    @Test
    void exampleConfigForFourBaysIsValid(@TempDir Path root) throws Exception {
        // Re-root /etc/bwcdock and /var/lib/bwcdock into the temp dir and create the files it names.
        String text = Files.readString(EXAMPLE)
                .replace("\"/etc/bwcdock/", "\"" + root + "/etc/bwcdock/")
                .replace("\"/var/lib/bwcdock", "\"" + root + "/var/lib/bwcdock");
        Matcher m = Pattern.compile("\"(" + Pattern.quote(root.toString()) + "/etc/bwcdock/[^\"]+)\"").matcher(text);
        while (m.find()) {
            Path f = Path.of(m.group(1));
            Files.createDirectories(f.getParent());
            Files.writeString(f, "pem");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        // The recipients and the receipt signers' CA are read and checked for their roles at load: real ones.
        var pki = new org.bwcdock.testing.ThrowawayPki(Files.createDirectories(root.resolve("pki")));
        Files.copy(pki.caFile(), root.resolve("etc/bwcdock/receiver-ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pki.issue("evidence-server", org.bwcdock.testing.ThrowawayPki.Kind.EC, org.bwcdock.testing.ThrowawayPki.Use.RECIPIENT)
                .certFile(), root.resolve("etc/bwcdock/recipients/evidence-server.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path config = Files.writeString(Files.createDirectories(root.resolve("etc/bwcdock")).resolve("agent.toml"), text);

        AgentConfig c = ConfigLoader.load(config);

        assertEquals(4, c.bays().size());
        assertEquals(AgentConfig.Hardware.PI4J, c.hardware());
        assertTrue(c.bays().stream().allMatch(b -> b.leds().isPresent() && b.batteryGauge().isPresent()));
        assertTrue(c.summary().contains("bay 4: USB port 1-1.4"), c.summary());
    }

    @Test
    void exampleMentionsEveryTopLevelSection() throws IOException {
        String text = Files.readString(EXAMPLE);
        for (String section : new String[] {"[logging]", "[identity]", "[spool]", "[usb]", "[[bays]]",
                "[[cameraProfiles]]", "[mqtt]", "[evidence]", "[policy]", "[badges]"}) {
            assertTrue(text.contains(section), "example lacks " + section);
        }
    }
}
