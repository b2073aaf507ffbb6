package org.bwcdock.receiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver's TSA options are checked before anything starts, one message per bad option, naming it. */
@Timeout(60)
class ReceiverTsaOptionsTest {
    @TempDir
    Path dir;

    private String refused(TestSite site, String... tsa) {
        List<String> args = new ArrayList<>(site.cliOptions());
        args.addAll(List.of(tsa));
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cmd.execute(args.toArray(String[]::new)), err.toString());
        return err.toString();
    }

    private static void assertContains(String output, String expected) {
        assertTrue(output.contains(expected), "expected \"" + expected + "\" in: " + output);
    }

    @Test
    void eachBadTsaOptionIsNamed() throws Exception {
        try (TestSite site = new TestSite(dir)) {
            Path noCert = Files.writeString(dir.resolve("empty.pem"), "");
            String ca = site.pki.caFile().toString();
            assertContains(refused(site, "--tsa-url", "https://tsa.example/tsa"), "--tsa-ca: missing");
            assertContains(refused(site, "--tsa-ca", ca), "--tsa-url: missing");
            assertContains(refused(site, "--tsa-url", "http://tsa.example/tsa", "--tsa-ca", ca),
                    "--tsa-url: \"http://tsa.example/tsa\": plain http is allowed only to a loopback address");
            assertContains(refused(site, "--tsa-url", "https://tsa.example/tsa", "--tsa-ca", noCert.toString()),
                    "--tsa-ca: " + noCert + ": contains no certificate");
            assertContains(refused(site, "--tsa-url", "https://tsa.example/tsa", "--tsa-ca", ca, "--tsa-policy", "gold"),
                    "--tsa-policy: \"gold\" is not an OID");
            assertContains(refused(site, "--tsa-url", "https://tsa.example/tsa", "--tsa-ca", ca, "--tsa-retry-interval", "PT0S"),
                    "--tsa-retry-interval: PT0S is not positive");
        }
    }
}
