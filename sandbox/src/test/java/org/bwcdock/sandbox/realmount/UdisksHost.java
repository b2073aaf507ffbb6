package org.bwcdock.sandbox.realmount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real mount path of a dock, on a test machine without systemd as PID 1: a D-Bus system bus,
 * udevd, polkitd with the project's own rule (systemd/50-bwcdock.rules) and udisksd, started here
 * and stopped by PID in {@link #close()}; the unprivileged {@code bwcdock} user the agent runs as;
 * and, test machines only, FUSE mount helpers standing in for the kernel's vfat and exFAT drivers
 * (never in the package: see docs/testing.md). Everything installed is removed again on close.
 * Needs root: the test command runs as root (it installs its peers).
 */
final class UdisksHost implements AutoCloseable {
    static final String USER = "bwcdock";
    static final Path RULE = Path.of("/etc/polkit-1/rules.d/50-bwcdock.rules");
    /** A loop device is a "system" device to udisks2; a real USB camera is not. The test marks its loop devices like one. */
    private static final Path LOOP_RULE = Path.of("/run/udev/rules.d/99-bwcdock-test-loop.rules");
    private static final Path MOUNT_VFAT = Path.of("/usr/sbin/mount.vfat");
    private static final Path MOUNT_EXFAT = Path.of("/usr/sbin/mount.exfat");
    /** What options udisks2 asked the mount helpers for (FUSE drops noexec for exFAT; the request is what the agent controls). */
    static final Path MOUNT_LOG = Path.of("/run/bwcdock-test/mount-options");

    private final List<Process> daemons = new ArrayList<>();
    private final List<Path> installed = new ArrayList<>();
    private final Path work;

    private UdisksHost(Path work) {
        this.work = work;
    }

    /** The unprivileged user the package makes (systemd/bwcdock.sysusers), made here as it would be. */
    static void ensureAgentUser() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("running the agent as the bwcdock user needs root: run the test command as root");
        }
        if (run(List.of("id", "-u", USER)).exit != 0) {
            runOk(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", USER));
        }
    }

    static UdisksHost start(Path work) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the real-mount tests start dbus, udevd, polkitd and udisksd and need root: run the test command as root");
        }
        UdisksHost h = new UdisksHost(work);
        try {
            h.setUp();
            return h;
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    private void setUp() throws Exception {
        for (String tool : List.of("/usr/libexec/udisks2/udisksd", "/usr/lib/polkit-1/polkitd", "/lib/systemd/systemd-udevd",
                "/usr/bin/dbus-daemon", "/usr/sbin/mount.exfat-fuse", "/usr/bin/fusefat", "/usr/sbin/mkfs.exfat",
                "/usr/sbin/mkfs.vfat", "/usr/bin/mcopy", "/usr/sbin/fsck.exfat", "/usr/sbin/fsck.fat", "/usr/bin/sqlite3")) {
            if (!Files.isExecutable(Path.of(tool))) {
                fail(tool + " is missing: tools/test-peers installs it (run the test command as root)");
            }
        }
        ensureAgentUser();
        if (Files.exists(Path.of("/run/dbus/system_bus_socket")) && run(List.of("busctl", "--system", "status")).exit == 0) {
            fail("a D-Bus system bus already runs here: the real-mount tests start their own and would disturb it");
        }
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        install(RULE, Files.readString(repo.resolve("systemd/50-bwcdock.rules")), "rw-r--r--");
        install(LOOP_RULE, "# bwcdock tests: loop devices stand for removable USB cameras\n"
                + "KERNEL==\"loop*\", ENV{UDISKS_SYSTEM}=\"0\"\n", "rw-r--r--");
        Files.createDirectories(MOUNT_LOG.getParent());
        install(MOUNT_VFAT, helper("vfat", "fusefat", "allow_other,blkdev,fsname=$dev", "rw) keep=\"$keep,rw+\";;"), "rwxr-xr-x");
        install(MOUNT_EXFAT, helper("exfat", "/usr/sbin/mount.exfat-fuse", "allow_other", "rw) keep=\"$keep,rw\";;"), "rwxr-xr-x");
        Files.deleteIfExists(MOUNT_LOG);

        Files.createDirectories(Path.of("/run/dbus"));
        Files.deleteIfExists(Path.of("/run/dbus/pid"));
        Files.deleteIfExists(Path.of("/run/dbus/system_bus_socket"));
        // The system bus without D-Bus activation: udisksd asks logind for an inhibitor on every
        // mount, and activating logind where systemd is not PID 1 stalls each mount for 25 s.
        Path services = Files.createDirectories(work.resolve("dbus-services"));
        Path busConfig = Files.writeString(work.resolve("dbus-system.conf"), Files.readString(Path.of("/usr/share/dbus-1/system.conf"))
                .replace("<standard_system_servicedirs/>", "<servicedir>" + services + "</servicedir>")
                .replace("<includedir>system.d</includedir>", "<includedir>/usr/share/dbus-1/system.d</includedir>"));
        daemon(List.of("dbus-daemon", "--config-file=" + busConfig, "--nofork", "--nopidfile"), "dbus");
        await("the system bus", () -> Files.exists(Path.of("/run/dbus/system_bus_socket")));
        daemon(List.of("/lib/systemd/systemd-udevd"), "udevd");
        await("udevd", () -> run(List.of("udevadm", "control", "--ping", "-t", "1")).exit == 0);
        runOk(List.of("udevadm", "control", "--reload-rules"));
        runOk(List.of("udevadm", "trigger", "--action=add", "--subsystem-match=block"));
        runOk(List.of("udevadm", "settle", "-t", "10"));
        daemon(List.of("/usr/lib/polkit-1/polkitd", "--no-debug"), "polkitd");
        await("polkitd", () -> run(List.of("busctl", "--system", "status", "org.freedesktop.PolicyKit1")).exit == 0);
        daemon(List.of("/usr/libexec/udisks2/udisksd"), "udisksd");
        await("udisksd", () -> run(List.of("busctl", "--system", "status", "org.freedesktop.UDisks2")).exit == 0);
    }

    /** A mount helper udisks2's mount(8) runs: logs the options asked for, keeps those the FUSE driver knows. */
    private static String helper(String type, String driver, String base, String rwCase) {
        return """
                #!/bin/sh
                # bwcdock TEST MACHINES ONLY (installed and removed by the real-mount tests): stands in
                # for the kernel %s driver this machine lacks. Never part of a package.
                set -e
                dev=$1; dir=$2; shift 2; opts=
                while [ $# -gt 0 ]; do case $1 in -o) opts=$2; shift 2;; *) shift;; esac; done
                echo "%s $dev $opts" >> %s
                keep=%s
                for o in $(echo "$opts" | tr , ' '); do
                  case $o in ro|nosuid|nodev|noexec|uid=*|gid=*) keep="$keep,$o";; %s esac
                done
                exec %s -o "$keep" "$dev" "$dir"
                """.formatted(type, type, MOUNT_LOG, base, rwCase, driver);
    }

    private void install(Path file, String content, String mode) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            fail(file + " exists already: remove it (a leftover of an interrupted test run?) and run again");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        installed.add(file);
    }

    private void daemon(List<String> cmd, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()));
        daemons.add(pb.start());
    }

    /** The options each mount asked the helpers for, in order: "TYPE DEVICE OPTIONS". */
    static List<String> mountRequests() throws IOException {
        return Files.exists(MOUNT_LOG) ? Files.readAllLines(MOUNT_LOG) : List.of();
    }

    /** /proc/mounts lines of a device (as the kernel shows its mounts). */
    static List<String> mountsOf(Path device) throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.startsWith(device + " ")).toList();
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(String what, Condition c) throws Exception {
        await(what, 20, c);
    }

    static void await(String what, int seconds, Condition c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20); // polling interval; the condition decides
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(String.join(" ", cmd) + ": no exit within 60 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String runOk(List<String> cmd) throws IOException, InterruptedException {
        Result r = run(cmd);
        if (r.exit != 0) {
            fail(String.join(" ", cmd) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    /** The command as the bwcdock user (no capabilities, no supplementary groups). */
    static List<String> asAgentUser(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups", "--"));
        all.addAll(cmd);
        return all;
    }

    @Override
    public void close() throws Exception {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process p = daemons.get(i);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        // udisksd leaves its mount directories behind only when something stayed mounted: the tests unmount all.
        for (Path f : installed) {
            Files.deleteIfExists(f);
        }
        Files.deleteIfExists(MOUNT_LOG);
        Files.deleteIfExists(Path.of("/run/dbus/system_bus_socket"));
    }
}
