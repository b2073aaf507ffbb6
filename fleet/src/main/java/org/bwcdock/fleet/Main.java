package org.bwcdock.fleet;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bwcdock fleet}: the back office's view of the docks. {@code serve} and {@code export} the
 * live dashboard; {@code report} the reconciliation from the retained tree. An expected failure is
 * one line "error: ..." on stderr and exit code 1.
 */
@Command(name = "bwcdock fleet", mixinStandardHelpOptions = true, version = "bwcdock fleet 0.1.0",
        description = "The fleet dashboard and the reconciliation report, from the retained MQTT tree.",
        subcommands = {Main.Serve.class, Main.Export.class, Main.ReportCommand.class})
public final class Main {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(s|m|h|d)");
    final Clock clock;

    Main(Clock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(), args));
    }

    /** Runs in-process (tests inject the clock). */
    public static int run(PrintWriter out, PrintWriter err, Clock clock, String... args) {
        CommandLine cl = new CommandLine(new Main(clock)).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IOException || e instanceof IllegalArgumentException) {
                line.getErr().println("error: " + e.getMessage());
                return 1;
            }
            line.getErr().println("error: unexpected failure: " + e);
            return 2;
        });
        return cl.execute(args);
    }

    /** "90s", "45m", "24h", "7d". */
    static Duration duration(String option, String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + v + "' is not a duration like 90s, 45m, 24h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The alarm thresholds, shared by every subcommand. */
    static final class Rules {
        @Option(names = "--spool-alarm", paramLabel = "PERCENT", description = "alarm when a spool is fuller than this (default 80)")
        int spool = AlarmRules.DEFAULT.spoolPercent();
        @Option(names = "--undocked-alarm", paramLabel = "DURATION", description = "alarm when a camera is out of the docks longer (default 24h)")
        String undocked = "24h";
        @Option(names = "--unreceipted-alarm", paramLabel = "DURATION", description = "alarm when a file waits longer for its receipt (default 2h)")
        String unreceipted = "2h";

        AlarmRules rules() {
            return new AlarmRules(spool, duration("--undocked-alarm", undocked), duration("--unreceipted-alarm", unreceipted));
        }
    }

    /** Broker and back-office user, for the page. */
    static final class PageOptions {
        @Option(names = "--broker", required = true, paramLabel = "URI", description = "the broker's WebSocket address for browsers, e.g. wss://mqtt.agency.example:8884/mqtt")
        URI broker;
        @Option(names = "--username", paramLabel = "USER", description = "the back-office MQTT user the page proposes (default backoffice)")
        String username = "backoffice";

        DashboardServer.Config config(AlarmRules rules) {
            String scheme = String.valueOf(broker.getScheme());
            if (!scheme.equals("wss") && !scheme.equals("ws")) {
                throw new IllegalArgumentException("--broker: a browser connects over WebSocket: wss://host:port/path, not " + broker);
            }
            return new DashboardServer.Config(broker, username, rules);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the dashboard over HTTP (loopback unless --listen says otherwise) until stopped.")
    static final class Serve implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        PageOptions page;
        @CommandLine.Mixin
        Rules rules;
        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "default 127.0.0.1:8080")
        String listen = "127.0.0.1:8080";

        @Override
        public Integer call() throws Exception {
            int colon = listen.lastIndexOf(':');
            int port;
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("--listen: '" + listen + "' is not HOST:PORT");
            }
            try (DashboardServer s = DashboardServer.start(new InetSocketAddress(listen.substring(0, Math.max(0, colon)), port),
                    page.config(rules.rules()))) {
                spec.commandLine().getOut().println("fleet dashboard: " + s.uri() + " (broker " + page.broker + "); Ctrl-C stops");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "fleet-serve-stop"));
                stop.await();
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the dashboard's files and config.json into DIR, for any static web server.")
    static final class Export implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        PageOptions page;
        @CommandLine.Mixin
        Rules rules;
        @CommandLine.Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws IOException {
            DashboardServer.export(dir, page.config(rules.rules()));
            spec.commandLine().getOut().println("fleet dashboard written to " + dir);
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "The reconciliation: docks and cameras, last docked, files waiting, oldest unreceipted file, alarms.")
    static final class ReportCommand implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        Main main;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        Rules rules;
        @Option(names = "--from", paramLabel = "FILE", description = "a recorded retained tree (JSON: topic → payload) instead of a broker")
        Path from;
        @Option(names = "--broker", paramLabel = "URI", description = "ssl://, wss:// (or tcp://, ws:// on loopback) broker to read the retained tree from")
        URI broker;
        @Option(names = "--username", paramLabel = "USER", description = "back-office MQTT user")
        String username;
        @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the back-office password (first line)")
        Path passwordFile;
        @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate(s) the broker's TLS certificate chains to")
        Path ca;
        @Option(names = "--record", paramLabel = "FILE", description = "also save the retained tree read from the broker")
        Path record;
        @Option(names = "--csv", paramLabel = "FILE", description = "write the cameras as CSV")
        Path csv;
        @Option(names = "--docks-csv", paramLabel = "FILE", description = "write the docks as CSV")
        Path docksCsv;
        @Option(names = "--at", paramLabel = "INSTANT", description = "judge alarms as of this time (ISO-8601), e.g. to reproduce a recorded report")
        Instant at;

        @Override
        public Integer call() throws IOException {
            if ((from == null) == (broker == null)) {
                throw new IllegalArgumentException("give exactly one of --from FILE and --broker URI");
            }
            RetainedTree tree;
            if (from != null) {
                tree = RetainedTree.read(from);
            } else {
                Optional<char[]> password = Optional.empty();
                if (passwordFile != null) {
                    password = Optional.of(Files.readAllLines(passwordFile).stream().findFirst().orElse("").toCharArray());
                }
                tree = BrokerSource.read(new BrokerSource.Settings(broker, Optional.ofNullable(username), password, Optional.ofNullable(ca),
                        Duration.ofMillis(700), Duration.ofSeconds(15)));
                if (record != null) {
                    tree.write(record);
                }
            }
            Report r = new Report(Fleet.of(tree), rules.rules(), at != null ? at : main.clock.instant());
            spec.commandLine().getOut().print(r.table());
            spec.commandLine().getOut().flush();
            if (csv != null) {
                Files.writeString(csv, r.camerasCsv());
            }
            if (docksCsv != null) {
                Files.writeString(docksCsv, r.docksCsv());
            }
            return 0;
        }
    }
}
