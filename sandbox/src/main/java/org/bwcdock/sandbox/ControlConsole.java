package org.bwcdock.sandbox;

import org.bwcdock.simulation.SimulatedBoard;
import org.bwcdock.agent.events.BayView;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code demo --keep-running}: after the shift end, a line-based console for exploring the dock.
 * Bay changes print as plain lines while it runs. Bad input gets a message and changes nothing.
 */
final class ControlConsole {
    static final String HELP = """
            commands:
              dock BAY|SERIAL        plug the camera into its bay
              undock BAY|SERIAL      pull it out (mid-ingest: the partial parts are discarded)
              record BAY|SERIAL MB   the camera records a new video of MB megabytes (1..2000)
              badge BAY|SERIAL       tap that camera's officer's badge on the reader
              network off|on         cut or restore the dock's network (receiver and broker)
              tsa off|on             take the time-stamping authority down or up (custody goes on; tokens follow)
              stick                  plug a USB memory stick into a spare port (the dock refuses it)
              receiver restart       stop the evidence receiver and start it again on the same store
              status                 every bay, the receiver's evidence count, the network, the dashboard's address
              help                   this text
              quit                   stop everything (as Ctrl-C does)""";

    private final Sandbox sandbox;
    private final BufferedReader in;
    private final PrintStream out;
    private final LiveView view;

    ControlConsole(Sandbox sandbox, BufferedReader in, PrintStream out) {
        this.sandbox = sandbox;
        this.in = in;
        this.out = out;
        this.view = new LiveView(out, false); // plain lines: a redrawn table would tear what the user types
    }

    /** Reads commands until quit; on end of input (no terminal) waits for Ctrl-C. */
    void run() throws IOException, InterruptedException {
        out.println("sandbox: still running; type help for commands, quit or Ctrl-C to stop");
        Thread watcher = new Thread(this::watch, "sandbox-console-view");
        watcher.setDaemon(true); // ends with the JVM; stopped below when the console ends
        watcher.start();
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (!execute(line.trim())) {
                    return;
                }
            }
            out.println("sandbox: input closed; Ctrl-C stops the sandbox");
            Thread.currentThread().join(); // until the shutdown hook ends the JVM
        } finally {
            watcher.interrupt();
        }
    }

    private void watch() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                view.show(sandbox.rows());
                Thread.sleep(250); // refresh interval of the printed bay lines
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("sandbox: view stopped: " + e.getMessage()); // the agent was closed under it
        }
    }

    /** @return false when the console should end */
    boolean execute(String line) {
        if (line.isEmpty()) {
            return true;
        }
        List<String> w = List.of(line.split("\\s+"));
        try {
            switch (w.get(0)) {
                case "quit", "exit" -> {
                    return false;
                }
                case "help" -> out.println(HELP);
                case "status" -> status();
                case "dock" -> {
                    Site.Camera c = camera(w);
                    sandbox.dock(c);
                    out.println("ok: " + c.serial() + " docked in bay " + c.bay());
                }
                case "undock" -> {
                    Site.Camera c = camera(w);
                    sandbox.site().undock(c);
                    out.println("ok: " + c.serial() + " taken out of bay " + c.bay());
                }
                case "record" -> record(w);
                case "badge" -> badge(camera(w));
                case "network" -> network(w);
                case "tsa" -> tsa(w);
                case "stick" -> {
                    sandbox.site().plugStick();
                    out.println("ok: a USB memory stick (0781:5581) plugged into port " + Site.SPARE_PORT + "; the dock should refuse it");
                }
                case "receiver" -> {
                    if (w.size() != 2 || !w.get(1).equals("restart")) {
                        throw new IllegalArgumentException("usage: receiver restart");
                    }
                    sandbox.site().restartReceiver();
                    out.println("ok: receiver restarted on 127.0.0.1:" + sandbox.site().receiver().port() + ", same store");
                }
                default -> throw new IllegalArgumentException("unknown command '" + w.get(0) + "'; type help");
            }
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            out.println("error: " + w.get(0) + " failed: " + e);
        }
        return true;
    }

    private static Site.Camera camera(List<String> w) {
        if (w.size() < 2) {
            throw new IllegalArgumentException("usage: " + w.get(0) + " BAY|SERIAL");
        }
        return Site.camera(w.get(1)).orElseThrow(() -> new IllegalArgumentException(
                "no camera or bay '" + w.get(1) + "'; bays 1-4 or " + Site.CAMERAS.stream().map(Site.Camera::serial).toList()));
    }

    private void record(List<String> w) throws IOException {
        Site.Camera c = camera(w);
        long mb;
        try {
            mb = w.size() == 3 ? Long.parseLong(w.get(2)) : -1;
        } catch (NumberFormatException e) {
            mb = -1;
        }
        if (mb < 1 || mb > 2000) {
            throw new IllegalArgumentException("usage: record BAY|SERIAL MB, with MB from 1 to 2000");
        }
        Path dcim = Files.createDirectories(sandbox.site().volume(c).resolve("DCIM/100"));
        int n;
        try (Stream<Path> files = Files.list(dcim)) {
            n = (int) files.count();
        }
        Path file;
        do {
            file = dcim.resolve(String.format("REC%04d.MP4", ++n));
        } while (Files.exists(file));
        SplittableRandom random = new SplittableRandom();
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (long i = 0; i < mb; i++) {
                random.nextBytes(buf);
                o.write(buf);
            }
        }
        out.println("ok: " + c.serial() + " recorded " + dcim.relativize(file) + " (" + mb + " MB)"
                + (sandbox.site().docked(c) ? "; undock and dock it to ingest" : ""));
    }

    private void badge(Site.Camera c) {
        SimulatedBoard sim = sandbox.board();
        try {
            sim.presentBadge(c.badge());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("this dock has no simulated badge reader: " + e.getMessage());
        }
        // A tap, not a card left on the reader: the reader's poller sees it within its interval.
        Thread lift = new Thread(() -> {
            try {
                Thread.sleep(1_500); // how long a hand holds a badge to the reader
                sim.removeBadge();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sandbox-badge-lift");
        lift.setDaemon(true);
        lift.start();
        out.println("ok: " + c.officer() + " taps badge " + HexFormat.of().formatHex(HexFormat.of().parseHex(c.badge()))
                + "; a charged, receipted camera's bay blinks for the pickup");
    }

    private void network(List<String> w) {
        if (w.size() != 2 || !(w.get(1).equals("on") || w.get(1).equals("off"))) {
            throw new IllegalArgumentException("usage: network off|on");
        }
        boolean up = w.get(1).equals("on");
        sandbox.site().network(up);
        out.println("ok: network " + (up ? "restored" : "cut: the receiver and the broker are unreachable"));
    }

    private void tsa(List<String> w) {
        if (w.size() != 2 || !(w.get(1).equals("on") || w.get(1).equals("off"))) {
            throw new IllegalArgumentException("usage: tsa off|on");
        }
        boolean up = w.get(1).equals("on");
        sandbox.site().tsa().down(!up);
        out.println("ok: tsa " + (up ? "up: missing timestamps are fetched and attached within " + Site.TSA_RETRY.toSeconds() + " s"
                : "down: receipts say the manifest's timestamp is missing; uploads and wipes go on"));
    }

    private void status() throws IOException {
        for (BayView r : sandbox.rows()) {
            out.println(LiveView.plain(r));
        }
        out.println("receiver: " + sandbox.site().receiver().evidenceCount() + " evidence files; network "
                + (sandbox.site().networkUp() ? "up" : "cut") + "; MQTT messages seen " + sandbox.site().office().messages()
                + "; tsa " + (sandbox.site().tsa().isDown() ? "down" : "up"));
        out.println("fleet dashboard: " + sandbox.site().dashboardPage());
    }
}
