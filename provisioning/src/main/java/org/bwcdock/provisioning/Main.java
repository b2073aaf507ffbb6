package org.bwcdock.provisioning;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * {@code bwcdock-provision}: the IT-staff tool. Every expected failure is one line on stderr
 * starting with "error: " and exit code 1; nothing is written unless everything succeeded.
 */
@Command(name = "bwcdock-provision", mixinStandardHelpOptions = true, version = "bwcdock-provision 0.1.0",
        description = "Agency CA, dock identities, evidence keys, config bundles, and evidence opening.",
        subcommands = {CaCommands.class, DockCommands.class, EvidenceCommands.class, BundleCommands.class, Doctor.class})
public final class Main {
    final Map<String, String> environment;
    final Clock clock;

    Main(Map<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(), Clock.systemUTC(), args));
    }

    /** Runs in-process (tests inject the environment and the clock). */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, String... args) {
        CommandLine cl = new CommandLine(new Main(env, clock)).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ProvisioningException p) {
                line.getErr().println("error: " + p.getMessage());
                return 1;
            }
            line.getErr().println("error: unexpected failure: " + e);
            return 2;
        });
        return cl.execute(args);
    }
}
