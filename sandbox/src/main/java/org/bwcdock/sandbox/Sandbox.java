package org.bwcdock.sandbox;

import org.bwcdock.agent.DockAgent;
import org.bwcdock.agent.bay.BayStatus;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.EvidenceFile;
import org.bwcdock.agent.ledger.FileState;
import org.bwcdock.agent.pki.ThrowawayPki;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.bwcdock.receiver.EvidenceReceiver;
import org.bwcdock.receiver.Faults;
import org.bwcdock.receiver.ReceiverSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code ./bwcdock demo}: a shift end on one machine, no hardware. Throwaway PKI, the reference
 * evidence receiver, and the real agent on simulated USB; four cameras assigned to four officers
 * dock one after another, and the agent ingests, uploads, gets receipts and wipes them until every
 * bay shows "safe". Exit 0 when it all worked.
 */
public final class Sandbox {
    /** Footage per camera, bytes: a few files from KB to MB (--big for hundreds of MB). */
    private static final long[] SMALL = {180_000, 2_500_000, 12_000_000};
    private static final long[] BIG = {5_000_000, 60_000_000, 300_000_000};
    private static final Duration LIMIT = Duration.ofSeconds(110);

    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "sandbox-logback.xml");
        boolean big = List.of(args).contains("--big");
        Path work = Files.createTempDirectory("bwcdock-sandbox-");
        int status = 1;
        try {
            status = run(work, big ? BIG : SMALL, System.console() != null);
        } finally {
            deleteTree(work);
        }
        System.exit(status);
    }

    record Camera(String serial, String port, String officer) {
    }

    static int run(Path work, long[] sizes, boolean terminal) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(work.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("sandbox-dock-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf server = pki.issue("evidence-receiver", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SERVER);
        ThrowawayPki.Leaf signer = pki.issue("receipt-signer", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        ThrowawayPki.Leaf recipient = pki.issue("evidence-recipient", ThrowawayPki.Kind.RSA, ThrowawayPki.Use.RECIPIENT);
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(work.resolve(d));
        }
        List<Camera> cameras = List.of(new Camera("BWC-00411", "1-1.1", "officer-1042"),
                new Camera("BWC-00412", "1-1.2", "officer-2217"), new Camera("BWC-00413", "1-1.3", "officer-3305"),
                new Camera("BWC-00414", "1-1.4", "officer-4471"));
        long totalBytes = 0;
        for (Camera c : cameras) {
            totalBytes += footage(work.resolve("cameras").resolve(c.serial()), sizes, c.serial().hashCode());
        }
        LiveView view = new LiveView(System.out, terminal);
        try (SandboxBroker broker = SandboxBroker.start(Files.createDirectories(work.resolve("hivemq")));
             EvidenceReceiver receiver = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0),
                work.resolve("receiver"), server.chainFile(), server.keyFile(), pki.caFile(), signer.certFile(), signer.keyFile(),
                Duration.ofDays(1), 1L << 30, Faults.NONE));
             BackOffice office = BackOffice.connect(broker.uri(), "sandbox-dock-01")) {
            Path config = Files.writeString(work.resolve("agent.toml"), config(dock, recipient, pki, receiver.port(), broker.uri()));
            long t0 = System.nanoTime();
            try (DockAgent agent = DockAgent.create(ConfigLoader.load(config), Clock.systemUTC())) {
                agent.start();
                view.message("sandbox: dock up, MQTT broker (HiveMQ CE) on " + broker.uri() + ", receiver on 127.0.0.1:" + receiver.port() + "; " + cameras.size()
                        + " cameras with " + totalBytes / 1_000_000 + " MB of footage arrive");
                SimulatedUsb usb = new SimulatedUsb(work.resolve("sys"), work.resolve("dev"));
                for (Camera c : cameras) {
                    agent.ledger().recordCamera(new org.bwcdock.agent.ledger.CameraRecord(c.serial(), "2a3b:0001", c.serial(), false));
                    agent.ledger().assign(c.serial(), c.officer(), "sandbox");
                }
                long deadline = System.nanoTime() + LIMIT.toNanos();
                int docked = 0;
                long nextDock = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    if (docked < cameras.size() && System.nanoTime() >= nextDock) {
                        Camera c = cameras.get(docked++);
                        usb.plug(c.port(), "2a3b", "0001", c.serial());
                        view.message("sandbox: " + c.officer() + " docks " + c.serial() + " in bay " + docked);
                        nextDock = System.nanoTime() + 1_000_000_000L;
                    }
                    view.show(rows(agent.bays()));
                    if (docked == cameras.size() && allSafe(agent, cameras)) {
                        break;
                    }
                    Thread.sleep(100); // screen refresh
                }
                view.show(rows(agent.bays()));
                boolean ok = allSafe(agent, cameras);
                double seconds = (System.nanoTime() - t0) / 1e9;
                summary(agent, cameras, receiver, totalBytes, seconds, work, view);
                office.awaitQuiet(agent);
                view.message("sandbox: the back office saw " + office.messages() + " MQTT messages; retained bay states: "
                        + office.retainedBays());
                view.message(ok ? "sandbox: shift end complete: every bay safe to take" : "sandbox: FAILED: not every bay is safe within " + LIMIT.toSeconds() + " s");
                return ok ? 0 : 1;
            }
        }
    }

    private static boolean allSafe(DockAgent agent, List<Camera> cameras) {
        for (Camera c : cameras) {
            List<EvidenceFile> files = agent.ledger().filesOf(c.serial());
            if (files.isEmpty() || !files.stream().allMatch(f -> f.state() == FileState.RELEASED)) {
                return false;
            }
        }
        return agent.bays().stream().allMatch(b -> b.phase().equals("safe"));
    }

    private static void summary(DockAgent agent, List<Camera> cameras, EvidenceReceiver receiver, long bytes, double seconds,
                                Path work, LiveView view) throws IOException {
        int files = 0;
        int receipts = 0;
        int wipedCameras = 0;
        for (Camera c : cameras) {
            List<EvidenceFile> fs = agent.ledger().filesOf(c.serial());
            files += fs.size();
            receipts += (int) fs.stream().filter(f -> agent.ledger().receipt(f.id()).isPresent()).count();
            try (var left = Files.list(work.resolve("cameras").resolve(c.serial()).resolve("DCIM/100"))) {
                if (left.findAny().isEmpty()) {
                    wipedCameras++;
                }
            }
        }
        view.message(String.format("sandbox: %d files, %.1f MB in %.1f s (%.1f MB/s ingest+upload end to end); "
                        + "%d receipts verified, %d evidence files at the receiver, %d cameras wiped; audit chain %s",
                files, bytes / 1e6, seconds, bytes / 1e6 / seconds, receipts, receiver.evidenceCount(), wipedCameras,
                agent.ledger().verifyAudit().ok() ? "verifies" : "BROKEN"));
    }

    private static List<BayRow> rows(List<BayStatus> bays) {
        List<BayRow> rows = new ArrayList<>();
        for (BayStatus b : bays) {
            rows.add(new BayRow(b.bay(), b.cameraId(), b.officerId(), b.batteryPercent(), percent(b.ingestDone(), b.ingestTotal()),
                    percent(b.uploadDone(), b.uploadTotal()), b.phase(), b.lastEvent()));
        }
        return rows;
    }

    private static int percent(long done, long total) {
        return total <= 0 ? -1 : (int) (done * 100 / total);
    }

    private static long footage(Path volume, long[] sizes, long seed) throws IOException {
        Path dcim = Files.createDirectories(volume.resolve("DCIM/100"));
        Files.writeString(volume.resolve("DEVICE.TXT"), "id=" + volume.getFileName() + "\nbattery=" + (70 + Math.floorMod(seed, 30)) + "\n");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            try (OutputStream out = Files.newOutputStream(dcim.resolve(String.format("VID%04d.MP4", i + 1)))) {
                for (long left = sizes[i]; left > 0; left -= buf.length) {
                    random.nextBytes(buf);
                    out.write(buf, 0, (int) Math.min(buf.length, left));
                }
            }
            total += sizes[i];
        }
        return total;
    }

    private static String config(ThrowawayPki.Leaf dock, ThrowawayPki.Leaf recipient, ThrowawayPki pki, int receiverPort,
                                 String brokerUri) {
        StringBuilder bays = new StringBuilder();
        int[][] leds = {{5, 6, 13}, {19, 26, 12}, {16, 20, 21}, {17, 27, 22}};
        for (int n = 1; n <= 4; n++) {
            // Simulated hardware (Pi4J mock plugin): each bay's LEDs and a MAX17048 gauge on its own bus.
            int[] l = leds[n - 1];
            bays.append("[[bays]]\nnumber = ").append(n).append("\nusbPort = \"1-1.").append(n).append("\"\n")
                    .append("leds = { green = ").append(l[0]).append(", amber = ").append(l[1]).append(", red = ").append(l[2]).append(" }\n")
                    .append("batteryGauge = { bus = ").append(n).append(", address = 0x36 }\n\n");
        }
        return """
                dockId = "sandbox-dock-01"
                hardware = "simulated"
                stateDirectory = "state"

                [identity]
                certificate = "%s"
                privateKey = "%s"

                [spool]
                directory = "state/spool"
                quota = "2 GiB"
                partSize = "8 MiB"

                [usb]
                sysRoot = "sys"
                devRoot = "dev"
                simulatedVolumes = "cameras"
                debounce = "300ms"
                stableInterval = "500ms"

                %s
                [[cameraProfiles]]
                name = "sandbox-camera"
                usbIds = ["2a3b:0001"]
                footage = ["DCIM/**/*.MP4"]
                cameraId = "device-info"
                deviceInfoFile = "DEVICE.TXT"

                [mqtt]
                brokers = ["%s"]
                maxReconnectDelay = "2s"

                [evidence]
                url = "https://127.0.0.1:%d/"
                trustAnchors = "%s"
                recipients = ["%s"]
                receiptSigners = "%s"
                """.formatted(dock.chainFile(), dock.keyFile(), bays, brokerUri, receiverPort, pki.caFile(), recipient.certFile(),
                pki.caFile());
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
