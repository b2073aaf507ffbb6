package org.bwcdock.provisioning;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bundles carry certificates only, and installing one keeps what the bundle does not own: the dock's key. */
@Timeout(120)
class BundleTrustTest {
    @TempDir
    Path dir;
    AgencyFixture agency;

    @BeforeEach
    void pki() {
        agency = new AgencyFixture(dir);
    }

    private int create(String entry, Path file, Path out) throws Exception {
        Path config = Files.writeString(dir.resolve("agent.toml"), "dockId = \"dock-0003\"\n");
        return agency.run("bundle", "create", "--ca-dir", agency.ca.toString(), "--config", config.toString(),
                "--file", entry + "=" + file, "--out", out.toString(), "--passphrase-env", "CA_PASS");
    }

    @Test
    void aFileHoldingAKeyIsRefusedNamingTheFile() throws Exception {
        Path cert = agency.keygen("receiver", "server", "--host", "127.0.0.1");
        Path mixed = Files.writeString(dir.resolve("receiver-with-key.pem"),
                Files.readString(cert) + Files.readString(agency.keys.resolve("receiver.key")));
        Path out = dir.resolve("b.zip");
        assertEquals(1, create("receiver.pem", mixed, out));
        String err = agency.err.toString().strip();
        assertTrue(err.startsWith("error: " + mixed + " (receiver.pem): holds a private key") && err.contains("never keys"), err);
        assertFalse(Files.exists(out));

        Path keyOnly = agency.keys.resolve("receiver.key");
        assertEquals(1, create("receiver.pem", keyOnly, out));
        assertTrue(agency.err.toString().contains(keyOnly + " (receiver.pem): holds a private key"), agency.err::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void installKeepsTheDockKeyOwnedByTheAgentAt0600() throws Exception {
        boolean created = ensureUser();
        try {
            Path root = dir.resolve("etc/bwcdock");
            // On the dock: enroll writes the key into the install root, as docs/provisioning.md says.
            assertEquals(0, agency.run("dock", "enroll", "--dock-id", "dock-0003", "--out", root.toString()), agency.err::toString);
            byte[] key = Files.readAllBytes(root.resolve("dock.key"));
            agency.ok("dock", "issue", "--ca-dir", agency.ca.toString(), "--csr", root.resolve("dock.csr").toString(),
                    "--dock-id", "dock-0003", "--out", dir.resolve("dock.crt").toString());
            Path config = Files.writeString(dir.resolve("agent.toml"), "dockId = \"dock-0003\"\n");
            Path first = dir.resolve("first.zip");
            agency.ok("bundle", "create", "--ca-dir", agency.ca.toString(), "--config", config.toString(), "--file",
                    "dock.crt=" + dir.resolve("dock.crt"), "--file", "broker-ca.pem=" + agency.caCert(), "--out", first.toString());
            Path second = dir.resolve("second.zip");
            agency.ok("bundle", "create", "--ca-dir", agency.ca.toString(), "--config", config.toString(), "--file",
                    "dock.crt=" + dir.resolve("dock.crt"), "--out", second.toString());

            for (Path bundle : new Path[] {first, second}) {
                assertEquals(0, agency.run("bundle", "install", "--bundle", bundle.toString(), "--ca", agency.caCert().toString(),
                        "--root", root.toString()), agency.err::toString);
                Path k = root.resolve("dock.key");
                assertTrue(java.util.Arrays.equals(key, Files.readAllBytes(k)), bundle + ": dock.key kept");
                PosixFileAttributes a = Files.readAttributes(k, PosixFileAttributes.class);
                assertEquals("rw-------", PosixFilePermissions.toString(a.permissions()), bundle.toString());
                assertEquals("bwcdock", a.owner().getName(), bundle.toString());
                assertTrue(Files.exists(root.resolve("dock.crt")));
            }
            // What the first bundle brought and the second does not is gone; the enroll's request stays.
            assertFalse(Files.exists(root.resolve("broker-ca.pem")));
            assertTrue(Files.exists(root.resolve("dock.csr")));
        } finally {
            if (created) {
                assertEquals(0, command("userdel", "bwcdock"), "userdel bwcdock");
            }
        }
    }

    /** The agent's system user, as the .deb's sysusers.d creates it; true if this test made it. */
    private static boolean ensureUser() throws Exception {
        if (command("id", "-u", "bwcdock") == 0) {
            return false;
        }
        assertEquals(0, command("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "bwcdock"),
                "useradd bwcdock (the test runs as root)");
        return true;
    }

    private static int command(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " hung");
        }
        return p.exitValue();
    }
}
