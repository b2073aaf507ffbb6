package org.bwcdock.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void checkConfigPrintsSummaryAndExitsZero(@TempDir Path dir) throws Exception {
        int code = run("check-config", TestConfigs.minimal(dir).toString());
        assertEquals(0, code, err::toString);
        assertTrue(out.toString().contains("dock dock-test-01"), out::toString);
        assertTrue(out.toString().contains("bay 2: USB port 1-1.2"), out::toString);
    }

    @Test
    void checkConfigListsProblemsAndExitsNonZero(@TempDir Path dir) throws Exception {
        Path config = TestConfigs.minimal(dir);
        Files.writeString(config, Files.readString(config).replace("usbPort = \"1-1.1\"", "usbPort = \"x\"")
                .replace("quota = \"512 MiB\"", "quota = \"lots\""));
        int code = run("check-config", config.toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("2 problem(s)"), err::toString);
        assertTrue(err.toString().contains("bays[1].usbPort: \"x\" is not a USB port path like 1-1.2"), err::toString);
        assertTrue(err.toString().contains("spool.quota: "), err::toString);
    }

    @Test
    void runForStartsAndStopsTheAgent(@TempDir Path dir) throws Exception {
        Path config = TestConfigs.minimal(dir);
        int code = run("run", "--config", config.toString(), "--run-for", "0");
        assertEquals(0, code, err::toString);
        assertEquals(0, run("audit", "verify", "--db", dir.resolve("state/ledger.db").toString()), err::toString);
        assertTrue(out.toString().contains("audit chain ok"), out::toString);
        Path export = dir.resolve("audit.tsv");
        assertEquals(0, run("audit", "export", "--config", config.toString(), "--out", export.toString()), err::toString);
        assertTrue(out.toString().contains("audit rows (1.."), out::toString);
        assertTrue(Files.readString(export).contains("\t=start\t"), "the agent's start row is exported");
        assertEquals(2, run("audit", "export", "--out", dir.resolve("x.tsv").toString()));
        assertTrue(err.toString().contains("give --config FILE or --db FILE"), err::toString);
    }
}
