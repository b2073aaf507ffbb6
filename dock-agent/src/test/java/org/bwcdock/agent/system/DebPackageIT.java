package org.bwcdock.agent.system;

import org.bwcdock.format.io.FileTrees;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The .deb built by `package`: lintian-clean, right files with right owners and modes, clean scripts. */
@Timeout(300)
class DebPackageIT {
    static Path deb;

    @BeforeAll
    static void find() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            deb = s.filter(p -> p.getFileName().toString().endsWith("_all.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no .deb in target/: run mvn package"));
        }
    }

    @Test
    void lintianReportsNoErrorsOrWarnings() throws Exception {
        Tools.Result r = Tools.run("lintian", "--fail-on", "error,warning", deb.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().lines().noneMatch(l -> l.startsWith("E:") || l.startsWith("W:")), r.output());
    }

    @Test
    void everyFileHasItsOwnerAndMode() throws Exception {
        Tools.Result r = Tools.run("dpkg-deb", "-c", deb.toString());
        assertEquals(0, r.exit(), r.output());
        Map<String, String> expected = Map.ofEntries(
                Map.entry("./lib/udev/rules.d/71-bwcdock-bay-lockdown.rules", "-rw-r--r-- root/root"),
                Map.entry("./usr/lib/bwcdock/bay-port", "-rwxr-xr-x root/root"),
                Map.entry("./usr/bin/bwcdock-agent", "-rwxr-xr-x root/root"),
                Map.entry("./usr/share/bwcdock/dock-agent.jar", "-rw-r--r-- root/root"),
                Map.entry("./lib/systemd/system/bwcdock-agent.service", "-rw-r--r-- root/root"),
                Map.entry("./usr/lib/sysusers.d/bwcdock.conf", "-rw-r--r-- root/root"),
                Map.entry("./usr/lib/tmpfiles.d/bwcdock.conf", "-rw-r--r-- root/root"),
                Map.entry("./lib/udev/rules.d/70-bwcdock-cameras.rules", "-rw-r--r-- root/root"),
                Map.entry("./usr/share/polkit-1/rules.d/50-bwcdock.rules", "-rw-r--r-- root/root"),
                Map.entry("./etc/bwcdock/agent.toml", "-rw-r--r-- root/root"),
                Map.entry("./usr/share/doc/bwcdock-dock-agent/copyright", "-rw-r--r-- root/root"));
        for (var e : expected.entrySet()) {
            assertTrue(r.output().lines().anyMatch(l -> l.endsWith(" " + e.getKey()) && l.startsWith(e.getValue())),
                    () -> e.getKey() + " with " + e.getValue() + " missing from:\n" + r.output());
        }
        assertTrue(r.output().lines().filter(l -> l.contains("./usr/share/bwcdock/lib/")).count() > 5, "runtime libraries");
        // jsch (pulled in by Pi4J's linuxfs plugin, unused, known CVEs) stays out.
        assertTrue(r.output().lines().noneMatch(l -> l.contains("jsch")), () -> "jsch in the package:\n" + r.output());
        assertTrue(r.output().contains("/lib/dbus-java-transport-native-unixsocket-"), "the D-Bus transport udisks2 is reached by");
        // The FUSE mount helpers the real-mount tests install stand in for kernel drivers: never shipped.
        assertTrue(r.output().lines().noneMatch(l -> l.contains("/mount.") || l.contains("fuse")), "a mount helper is packaged:\n" + r.output());
        Tools.Result conf = Tools.run("dpkg-deb", "-f", deb.toString(), "Depends");
        assertTrue(conf.output().contains("openjdk-21-jre-headless | java21-runtime-headless") && conf.output().contains("udisks2"));
    }

    /** Simulation is for the sandbox and tests: neither Pi4J's mock plugin nor a simulated chip reaches a dock. */
    @Test
    void noSimulatedHardwareIsShipped() throws Exception {
        Tools.Result r = Tools.run("dpkg-deb", "-c", deb.toString());
        assertEquals(0, r.exit(), r.output());
        List<String> jars = r.output().lines().filter(l -> l.endsWith(".jar"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertTrue(jars.stream().anyMatch(j -> j.contains("/pi4j-plugin-gpiod-")), "the real GPIO plugin ships: " + jars);
        assertTrue(jars.stream().anyMatch(j -> j.contains("/pi4j-plugin-linuxfs-")), "the real I2C/SPI plugin ships: " + jars);
        assertTrue(jars.stream().noneMatch(j -> j.contains("pi4j-plugin-mock") || j.contains("dock-simulation")),
                "simulation in the .deb: " + jars);
        Path unpacked = Files.createTempDirectory("bwcdock-deb-");
        try {
            Tools.Result x = Tools.run("dpkg-deb", "-x", deb.toString(), unpacked.toString());
            assertEquals(0, x.exit(), x.output());
            for (String jar : jars) {
                try (ZipFile z = new ZipFile(unpacked.resolve(jar).toFile())) {
                    List<String> simulated = z.stream().map(ZipEntry::getName)
                            .filter(n -> n.startsWith("org/bwcdock/simulation/") || n.startsWith("org/bwcdock/agent/hardware/Simulated")
                                    || n.startsWith("com/pi4j/plugin/mock/")).toList();
                    assertTrue(simulated.isEmpty(), jar + " holds " + simulated);
                }
            }
        } finally {
            FileTrees.delete(unpacked);
        }
    }

    @Test
    void maintainerScriptsPassShellcheck() throws Exception {
        Tools.Result r = Tools.run("shellcheck", "src/deb/control/postinst", "src/deb/control/prerm", "src/deb/control/postrm",
                "src/deb/bwcdock-agent", "src/deb/bay-port");
        assertEquals(0, r.exit(), r.output());
    }
}
