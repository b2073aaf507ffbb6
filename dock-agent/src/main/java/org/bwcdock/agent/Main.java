package org.bwcdock.agent;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigException;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.agent.ledger.AuditCommand;
import org.bwcdock.agent.system.SystemdNotifier;
import org.bwcdock.agent.system.Watchdog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

/** {@code bwcdock-agent}: run the agent, check a config, verify the audit chain. */
@Command(name = "bwcdock-agent", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Body-worn-camera dock agent.",
        subcommands = {Main.Run.class, Main.CheckConfig.class, Main.Audit.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Everything {@code run} does before it starts anything, and all that {@code check-config}
     * does: load and validate the file, then build the (unstarted) agent from it, which derives the
     * hardware settings and reads the certificates and key. So the two commands cannot disagree
     * about a file.
     */
    static DockAgent prepare(Path file) throws ConfigException {
        AgentConfig cfg = ConfigLoader.load(file);
        try {
            return DockAgent.create(cfg, Clock.systemUTC());
        } catch (ConfigException e) {
            throw new ConfigException(file.toString(), e.problems()); // the same problems, under the file's name
        } catch (IllegalArgumentException e) {
            // The loader checks by the same rules (HardwareRules), so this is a bug; still say which file.
            throw new ConfigException(file.toString(), List.of(e.getMessage()));
        }
    }

    /** How both commands report a bad file: a count, then one problem per line. */
    private static void printProblems(PrintWriter err, ConfigException e) {
        err.println(e.source() + ": " + e.problems().size() + " problem(s)");
        e.problems().forEach(p -> err.println("  " + p));
    }

    @Command(name = "run", description = "Run the agent until stopped (SIGTERM) or for --run-for.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "agent.toml")
        Path config;

        @Option(names = "--run-for", description = "stop after this many seconds (demo and tests)")
        Integer runForSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            DockAgent agent;
            try {
                agent = prepare(config);
            } catch (ConfigException e) {
                printProblems(spec.commandLine().getErr(), e);
                return 2;
            }
            AgentConfig cfg = agent.config();
            CountDownLatch stopped = new CountDownLatch(1);
            SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
            Watchdog[] watchdog = new Watchdog[1];
            Thread hook = new Thread(() -> {
                systemd.stopping();
                if (watchdog[0] != null) {
                    watchdog[0].close();
                }
                agent.close();
                stopped.countDown();
            }, "bwcdock-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            agent.start();
            systemd.status("dock " + cfg.dockId() + ": " + cfg.bays().size() + " bay(s) watched");
            systemd.ready();
            watchdog[0] = systemd.watchdogInterval().map(i -> Watchdog.start(systemd, i, agent::healthy)).orElse(null);
            if (runForSeconds != null) {
                if (!stopped.await(runForSeconds, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    hook.run();
                }
                return 0;
            }
            stopped.await();
            return 0;
        }
    }

    @Command(name = "check-config", description = "Validate a configuration file: print every problem, or a summary.")
    static final class CheckConfig implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                AgentConfig cfg = prepare(file).config(); // built, never started: nothing to close
                out.println(file + ": ok");
                out.println(cfg.summary());
                return 0;
            } catch (ConfigException e) {
                printProblems(spec.commandLine().getErr(), e);
                return 1;
            }
        }
    }

    @Command(name = "audit", description = "Audit log tools.", subcommands = {Audit.Verify.class, Audit.Export.class})
    static final class Audit {
        /** Which ledger: --db, or the one in --config's state directory. */
        static final class LedgerOptions {
            @Option(names = "--config", description = "agent.toml (the ledger is in its stateDirectory)")
            Path config;

            @Option(names = "--db", description = "the ledger file itself")
            Path db;

            /** The ledger file; null after printing why there is none. */
            Path ledgerFile(PrintWriter err) {
                if (db != null) {
                    return db;
                }
                if (config == null) {
                    err.println("error: give --config FILE or --db FILE");
                    return null;
                }
                try {
                    return ConfigLoader.load(config).ledgerFile();
                } catch (ConfigException e) {
                    err.println("error: " + e.getMessage());
                    return null;
                }
            }
        }

        @Command(name = "export", description = "Write the audit rows from --from on (default: all) to a new file, for "
                + "'provision evidence packet --audit' (docs/manifest.md, Audit rows).")
        static final class Export implements Callable<Integer> {
            @CommandLine.Mixin
            LedgerOptions ledger;

            @Option(names = "--from", description = "the first row to export (default 1)", defaultValue = "1")
            long from;

            @Option(names = "--out", required = true, description = "the new file to write (never overwritten)")
            Path out;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                Path ledgerFile = ledger.ledgerFile(spec.commandLine().getErr());
                return ledgerFile == null ? 2 : AuditCommand.export(ledgerFile, from, out, spec.commandLine().getOut());
            }
        }

        @Command(name = "verify", description = "Re-compute the audit hash chain; name the first broken row. With a signed "
                + "checkpoint, also catch deleted newest rows and a recomputed chain.")
        static final class Verify implements Callable<Integer> {
            @CommandLine.Mixin
            LedgerOptions ledger;

            @Option(names = "--checkpoint", description = "a signed audit checkpoint (audit-checkpoint.json) kept off the dock")
            Path checkpoint;

            @Option(names = "--checkpoint-signature", description = "its signature (audit-checkpoint.p7s)")
            Path checkpointSignature;

            @Option(names = "--ca", description = "the agency CA certificate(s) the dock's certificate chains to")
            Path ca;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                PrintWriter err = spec.commandLine().getErr();
                Path ledgerFile = ledger.ledgerFile(err);
                if (ledgerFile == null) {
                    return 2;
                }
                if (checkpoint != null && (checkpointSignature == null || ca == null)) {
                    err.println("error: --checkpoint needs --checkpoint-signature and --ca");
                    return 2;
                }
                return AuditCommand.verify(ledgerFile, java.util.Optional.ofNullable(checkpoint)
                        .map(c -> new AuditCommand.Checkpoint(c, checkpointSignature, ca)), spec.commandLine().getOut());
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bwcdock-agent " + Version.current()};
        }
    }
}
