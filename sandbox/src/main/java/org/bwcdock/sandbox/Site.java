package org.bwcdock.sandbox;

import org.bwcdock.testing.FaultProxy;
import org.bwcdock.testing.TimestampServer;
import org.bwcdock.agent.usb.SimulatedUsb;
import org.bwcdock.fleet.DashboardServer;
import org.bwcdock.receiver.EvidenceReceiver;
import org.bwcdock.receiver.Faults;
import org.bwcdock.receiver.ReceiverSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything around one dock, on loopback: the agency PKI (made with the provisioning CLI), HiveMQ
 * CE, the reference evidence receiver, the agency's RFC 3161 TSA ({@link TimestampServer}, with its own
 * root as a TSA provider's would be), a {@link FaultProxy} in front of each server, cameras with
 * footage, the simulated USB bus and a back office subscribed to the dock's MQTT tree. The agent
 * itself is not part of it: the sandbox runs one in-process, crash tests fork one.
 */
public final class Site implements AutoCloseable {
    public static final String DOCK_ID = "sandbox-dock-01";
    private static final String USB_IDS = "2a3b:0001";

    /** A camera of the site: its USB serial, the dock port (bay) it goes into, the officer it is assigned to. */
    public record Camera(String serial, String port, int bay, String officer, String badge) {
    }

    /** The demo's four cameras and officers, one per bay. */
    public static final List<Camera> CAMERAS = cameras(4);

    /** Cameras for bays 1..n (up to 15, the ports of one hub): the demo's four first. */
    public static List<Camera> cameras(int n) {
        if (n < 1 || n > 15) {
            throw new IllegalArgumentException("bays: 1 to 15, not " + n);
        }
        String[] officers = {"officer-1042", "officer-2217", "officer-3305", "officer-4471"};
        String[] badges = {"04A1B2C3", "04D4E5F6", "04112233", "04556677"};
        List<Camera> cameras = new java.util.ArrayList<>();
        for (int bay = 1; bay <= n; bay++) {
            cameras.add(bay <= 4 ? new Camera("BWC-0041" + bay, "1-1." + bay, bay, officers[bay - 1], badges[bay - 1])
                    : new Camera(String.format("BWC-%05d", 410 + bay), "1-1." + bay, bay, String.format("officer-%04d", 5000 + bay),
                    String.format("0477%04X", bay)));
        }
        return List.copyOf(cameras);
    }

    private final Path work;
    private final AgencyPki pki;
    private final SandboxBroker broker;
    private final FaultProxy brokerProxy;
    private final FaultProxy receiverProxy;
    private final SimulatedUsb usb;
    private final BackOffice office;
    private final FleetAccess fleetAccess;
    private final DashboardServer dashboard;
    private final TimestampServer tsa;
    private EvidenceReceiver receiver;

    private Site(Path work, AgencyPki pki, SandboxBroker broker, FaultProxy brokerProxy, EvidenceReceiver receiver,
                 FaultProxy receiverProxy, SimulatedUsb usb, BackOffice office, FleetAccess fleetAccess, DashboardServer dashboard,
                 TimestampServer tsa) {
        this.tsa = tsa;
        this.work = work;
        this.pki = pki;
        this.broker = broker;
        this.brokerProxy = brokerProxy;
        this.receiver = receiver;
        this.receiverProxy = receiverProxy;
        this.usb = usb;
        this.office = office;
        this.fleetAccess = fleetAccess;
        this.dashboard = dashboard;
    }

    /** Makes the PKI and starts broker, receiver, proxies and back office under {@code work}. */
    public static Site start(Path work) throws Exception {
        AgencyPki pki = new AgencyPki(work.resolve("pki"));
        pki.client(DOCK_ID);
        pki.keygen("evidence-receiver", "--purpose", "server", "--host", "127.0.0.1");
        pki.keygen("receipt-signer", "--purpose", "receipt-signer");
        pki.keygen("evidence-recipient", "--kind", "rsa");
        pki.publishCrl();
        for (String d : new String[] {"sys", "dev", "cameras"}) {
            Files.createDirectories(work.resolve(d));
        }
        SimulatedUsb usb = new SimulatedUsb(work.resolve("sys"), work.resolve("dev"));
        SandboxBroker broker = null;
        FaultProxy brokerProxy = null;
        EvidenceReceiver receiver = null;
        FaultProxy receiverProxy = null;
        DashboardServer dashboard = null;
        TimestampServer tsa = null;
        try {
            tsa = TimestampServer.start(work.resolve("tsa"), "Sandbox");
            FleetAccess fleet = FleetAccess.prepare(work.resolve("pki"), pki);
            broker = SandboxBroker.start(Files.createDirectories(work.resolve("hivemq")), fleet.webSocket());
            brokerProxy = new FaultProxy("broker", broker.port());
            receiver = startReceiver(work, pki, tsa);
            receiverProxy = new FaultProxy("receiver", receiver.port());
            dashboard = fleet.serve(broker.webSocketUri());
            BackOffice office = BackOffice.connect(broker.uri(), DOCK_ID);
            return new Site(work, pki, broker, brokerProxy, receiver, receiverProxy, usb, office, fleet, dashboard, tsa);
        } catch (Exception | Error e) {
            closeAll(dashboard, receiverProxy, receiver, brokerProxy, broker, tsa);
            throw e;
        }
    }

    private static EvidenceReceiver startReceiver(Path work, AgencyPki pki, TimestampServer tsa) throws IOException {
        return startReceiver(work, pki, pki.keys().resolve("receipt-signer.pem"), pki.keys().resolve("receipt-signer.key"), tsa);
    }

    /** How often the sandbox's dock and receiver ask again for a timestamp the TSA did not give (short: a demo). */
    public static final Duration TSA_RETRY = Duration.ofSeconds(2);

    private static EvidenceReceiver startReceiver(Path work, AgencyPki pki, Path receiptCert, Path receiptKey, TimestampServer tsa)
            throws IOException {
        Path keys = pki.keys();
        return EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress("127.0.0.1", 0), work.resolve("receiver"),
                keys.resolve("evidence-receiver-chain.pem"), keys.resolve("evidence-receiver.key"), pki.caCert(),
                receiptCert, receiptKey, Duration.ofDays(1), 1L << 32, Faults.NONE, Optional.of(pki.crl()))
                .withTsa(new ReceiverSettings.Timestamping(new org.bwcdock.format.tsa.TsaSettings(tsa.url(), List.of(tsa.ca()),
                        Optional.of(TimestampServer.POLICY), Duration.ofSeconds(5), Optional.empty()), TSA_RETRY)));
    }

    /**
     * Agent settings a scenario may change.
     *
     * @param bays how many bays, each with its camera from {@link #cameras(int)}
     * @param hardware "simulated" (Pi4J mock: LEDs on bays 1-4, a gauge on every bay) or "none"
     */
    /** @param cameraReadRate how fast a camera is read (e.g. "40 MB" per second), or "0": as fast as the disk */
    /** @param viaProxy the dock reaches the receiver through the site's {@link FaultProxy} (tests); not: directly (benchmarks) */
    public record AgentOptions(String spoolQuota, String partSize, int bays, String hardware, String cameraReadRate, boolean viaProxy) {
        public static final AgentOptions DEFAULT = new AgentOptions("2 GiB", "8 MiB", 4, "simulated", "0", true);

        public AgentOptions(String spoolQuota, String partSize, int bays, String hardware) {
            this(spoolQuota, partSize, bays, hardware, "0", true);
        }

        public AgentOptions withSpool(String quota, String part) {
            return new AgentOptions(quota, part, bays, hardware, cameraReadRate, viaProxy);
        }

        public AgentOptions withBays(int n, String hw) {
            return new AgentOptions(spoolQuota, partSize, n, hw, cameraReadRate, viaProxy);
        }

        /** The receiver without the proxy: a proxy's copying is not part of what a benchmark measures. */
        public AgentOptions direct() {
            return new AgentOptions(spoolQuota, partSize, bays, hardware, cameraReadRate, false);
        }

        public AgentOptions withCameraReadRate(String rate) {
            return new AgentOptions(spoolQuota, partSize, bays, hardware, rate, viaProxy);
        }
    }

    /** Writes an agent.toml for this site's dock (state under DIR/state) and returns its path. */
    public Path writeAgentConfig(Path dir, AgentOptions o) throws IOException {
        Files.createDirectories(dir);
        StringBuilder bays = new StringBuilder();
        int[][] leds = {{5, 6, 13}, {19, 26, 12}, {16, 20, 21}, {17, 27, 22}};
        boolean simulated = o.hardware().equals("simulated");
        for (Camera c : cameras(o.bays())) {
            bays.append("[[bays]]\nnumber = ").append(c.bay()).append("\nusbPort = \"").append(c.port()).append("\"\n");
            if (simulated && c.bay() <= leds.length) {
                // Simulated hardware (Pi4J mock plugin): the bay's LEDs; the Pi has GPIOs for four bays' worth.
                int[] l = leds[c.bay() - 1];
                bays.append("leds = { green = ").append(l[0]).append(", amber = ").append(l[1]).append(", red = ").append(l[2]).append(" }\n");
            }
            if (simulated) {
                bays.append("batteryGauge = { bus = ").append(c.bay()).append(", address = 0x36 }\n"); // a MAX17048 on its own bus
            }
            bays.append('\n');
        }
        StringBuilder badges = new StringBuilder();
        cameras(o.bays()).forEach(c -> badges.append(c.badge()).append(" = \"").append(c.officer()).append("\"\n"));
        Path dock = work.resolve("pki").resolve(DOCK_ID);
        Path keys = pki.keys();
        String toml = """
                dockId = "%s"
                hardware = "%s"
                stateDirectory = "%s"

                [identity]
                certificate = "%s"
                privateKey = "%s"

                [spool]
                directory = "%s"
                quota = "%s"
                partSize = "%s"

                [usb]
                sysRoot = "%s"
                devRoot = "%s"
                simulatedVolumes = "%s"
                simulatedReadRate = "%s"
                debounce = "300ms"
                stableInterval = "500ms"

                %s
                [[cameraProfiles]]
                name = "sandbox-camera"
                usbIds = ["%s"]
                footage = ["DCIM/**/*.MP4"]
                cameraId = "device-info"
                deviceInfoFile = "DEVICE.TXT"

                [mqtt]
                brokers = ["tcp://127.0.0.1:%d"]
                maxReconnectDelay = "2s"

                [evidence]
                url = "https://127.0.0.1:%d/"
                trustAnchors = "%s"
                recipients = ["%s"]
                receiptSigners = "%s"
                crl = "%s"

                [evidence.tsa]
                url = "%s"
                caCertificates = "%s"
                policy = "%s"
                timeout = "5s"
                retryInterval = "%ds"

                [badges]
                %s
                """.formatted(DOCK_ID, o.hardware(), dir.resolve("state"), dock.resolve("dock.crt"), dock.resolve("dock.key"),
                dir.resolve("state/spool"), o.spoolQuota(), o.partSize(), work.resolve("sys"), work.resolve("dev"),
                work.resolve("cameras"), o.cameraReadRate(), bays, USB_IDS, brokerProxy.port(),
                o.viaProxy() ? receiverProxy.port() : receiver().port(), pki.caCert(),
                keys.resolve("evidence-recipient.pem"), pki.caCert(), pki.crl(), tsa.url(), tsa.caFile(), TimestampServer.POLICY,
                TSA_RETRY.toSeconds(), badges);
        return Files.writeString(dir.resolve("agent.toml"), toml);
    }

    /** Puts footage on the camera (its volume directory); returns the bytes written. */
    public long footage(Camera c, long[] sizes) throws IOException {
        return Footage.write(volume(c), c.serial(), sizes);
    }

    /** Puts new footage on the camera, its files numbered from {@code first} (0-based): the next shift's. */
    public long footage(Camera c, long[] sizes, int first) throws IOException {
        return Footage.write(volume(c), c.serial(), sizes, first);
    }

    public Path volume(Camera c) {
        return work.resolve("cameras").resolve(c.serial());
    }

    public void dock(Camera c) throws IOException {
        usb.plug(c.port(), "2a3b", "0001", c.serial());
    }

    public void undock(Camera c) throws IOException {
        usb.unplug(c.port());
    }

    /** A port of the hub that no bay uses: what a USB memory stick would be plugged into. */
    public static final String SPARE_PORT = "1-1.15";

    /** Plugs a USB memory stick (no camera model, no bay) into the spare port: the dock refuses it. */
    public void plugStick() throws IOException {
        usb.plug(SPARE_PORT, "0781", "5581", "4C530001230508116583");
    }

    public boolean docked(Camera c) {
        return usb.plugged(c.port());
    }

    /** Cuts (false) or restores (true) the dock's network: both servers become unreachable. */
    public void network(boolean up) {
        FaultProxy.Mode m = up ? FaultProxy.Mode.PASS : FaultProxy.Mode.REFUSE;
        receiverProxy.mode(m);
        brokerProxy.mode(m);
    }

    public boolean networkUp() {
        return receiverProxy.mode() == FaultProxy.Mode.PASS;
    }

    /** Stops the receiver and starts it again on the same store (a new port; the proxy follows). */
    public synchronized void restartReceiver() throws IOException {
        receiver.close();
        receiver = startReceiver(work, pki, tsa);
        receiverProxy.retarget(receiver.port());
    }

    /** As {@link #restartReceiver()}, signing receipts with another key: what a dock must not believe. */
    public synchronized void restartReceiver(Path receiptCert, Path receiptKey) throws IOException {
        receiver.close();
        receiver = startReceiver(work, pki, receiptCert, receiptKey, tsa);
        receiverProxy.retarget(receiver.port());
    }

    public synchronized EvidenceReceiver receiver() {
        return receiver;
    }

    public Path receiverStore() {
        return work.resolve("receiver");
    }

    public FaultProxy receiverProxy() {
        return receiverProxy;
    }

    public FaultProxy brokerProxy() {
        return brokerProxy;
    }

    public SandboxBroker broker() {
        return broker;
    }

    /** The fleet dashboard's page, with the back-office password in its fragment. */
    public java.net.URI dashboardPage() {
        return FleetAccess.pageWithPassword(dashboard, fleetAccess.backOfficePassword());
    }

    String backOfficePassword() {
        return fleetAccess.backOfficePassword();
    }

    /** The broker's secure WebSocket certificate key, for Chromium's --ignore-certificate-errors-spki-list. */
    public String webSocketSpkiHash() {
        return fleetAccess.spkiHash();
    }

    public BackOffice office() {
        return office;
    }

    /** The agency's time-stamping authority: {@code tsa().down(true)} is a TSA outage. */
    public TimestampServer tsa() {
        return tsa;
    }

    public AgencyPki pki() {
        return pki;
    }

    public Path work() {
        return work;
    }

    /** One of the demo's cameras by serial or bay number. */
    public static Optional<Camera> camera(String serialOrBay) {
        return CAMERAS.stream().filter(c -> c.serial().equalsIgnoreCase(serialOrBay) || Integer.toString(c.bay()).equals(serialOrBay))
                .findFirst();
    }

    @Override
    public void close() throws Exception {
        closeAll(dashboard, office, receiverProxy, receiver, brokerProxy, broker, tsa);
    }

    /** Closes each, in order, even when one fails; rethrows the first failure. */
    private static void closeAll(AutoCloseable... all) throws Exception {
        Exception first = null;
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
