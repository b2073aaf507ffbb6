package org.bwcdock.testing;

import org.bwcdock.format.tsa.TimestampAuthority;
import org.bwcdock.format.tsa.TimestampException;
import org.bwcdock.format.tsa.TimestampTokens;
import org.bwcdock.format.tsa.TsaSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TSA client (evidence-format) against the sandbox TSA, and its tokens against the real openssl. */
@Timeout(120)
class TimestampAuthorityTest {
    @TempDir
    Path dir;

    private static TsaSettings settings(URI url, TimestampServer trusted) {
        return new TsaSettings(url, List.of(trusted.ca()), Optional.of(TimestampServer.POLICY), Duration.ofSeconds(5), Optional.empty());
    }

    @Test
    void aTokenVerifiesWithOpensslTsAgainstTheFileItStamps() throws Exception {
        try (TimestampServer tsa = TimestampServer.start(dir.resolve("tsa"), "Test");
             TimestampAuthority client = TimestampAuthority.http(settings(tsa.url(), tsa))) {
            byte[] data = "a detached manifest signature".getBytes(StandardCharsets.UTF_8);
            Instant before = Instant.now().minusSeconds(2);
            byte[] tsr = client.stamp(data);
            Path file = Files.write(dir.resolve("manifest.p7s"), data);
            Path token = Files.write(dir.resolve("manifest.tsr"), tsr);
            Openssl.Result ok = Openssl.run("ts", "-verify", "-in", token.toString(), "-data", file.toString(),
                    "-CAfile", tsa.caFile().toString());
            assertEquals(0, ok.exit(), ok.output());
            assertTrue(ok.output().contains("Verification: OK"), ok.output());
            // openssl agrees that other bytes are not what was stamped.
            Path other = Files.write(dir.resolve("other"), "other bytes".getBytes(StandardCharsets.UTF_8));
            Openssl.Result bad = Openssl.run("ts", "-verify", "-in", token.toString(), "-data", other.toString(),
                    "-CAfile", tsa.caFile().toString());
            assertTrue(bad.exit() != 0, bad.output());
            TimestampTokens.Stamp s = TimestampTokens.verify(tsr, data, List.of(tsa.ca()), Optional.of(TimestampServer.POLICY));
            assertTrue(!s.time().isBefore(before) && !s.time().isAfter(Instant.now().plusSeconds(2)), s.time().toString());
            assertEquals(tsa.certificate(), s.tsa());
        }
    }

    @Test
    void aTokenForOtherDataIsRefused() throws Exception {
        try (TimestampServer tsa = TimestampServer.start(dir.resolve("tsa"), "Test");
             TimestampAuthority client = TimestampAuthority.http(settings(tsa.url(), tsa))) {
            byte[] tsr = client.stamp("these bytes".getBytes(StandardCharsets.UTF_8));
            TimestampException e = assertThrows(TimestampException.class, () -> TimestampTokens.verify(tsr,
                    "other bytes".getBytes(StandardCharsets.UTF_8), List.of(tsa.ca()), Optional.empty()));
            assertTrue(e.getMessage().contains("for other data"), e.getMessage());
        }
    }

    @Test
    void aTokenFromAnotherTsaIsRefused() throws Exception {
        try (TimestampServer ours = TimestampServer.start(dir.resolve("ours"), "Ours");
             TimestampServer stranger = TimestampServer.start(dir.resolve("stranger"), "Stranger");
             // Pointed at a TSA whose CA is not the configured one: the client refuses its token.
             TimestampAuthority client = TimestampAuthority.http(settings(stranger.url(), ours))) {
            TimestampException e = assertThrows(TimestampException.class, () -> client.stamp(new byte[] {1, 2, 3}));
            assertTrue(e.getMessage().contains("does not chain to the configured TSA CA"), e.getMessage());
            byte[] data = {4, 5, 6};
            try (TimestampAuthority direct = TimestampAuthority.http(settings(stranger.url(), stranger))) {
                byte[] tsr = direct.stamp(data);
                assertThrows(TimestampException.class, () -> TimestampTokens.verify(tsr, data, List.of(ours.ca()), Optional.empty()));
                Path token = Files.write(dir.resolve("stranger.tsr"), tsr);
                Path file = Files.write(dir.resolve("data"), data);
                Openssl.Result r = Openssl.run("ts", "-verify", "-in", token.toString(), "-data", file.toString(),
                        "-CAfile", ours.caFile().toString());
                assertTrue(r.exit() != 0, r.output());
            }
        }
    }

    @Test
    void aTsaThatIsDownOrNotListeningIsATimestampExceptionNotAHang() throws Exception {
        try (TimestampServer tsa = TimestampServer.start(dir.resolve("tsa"), "Test");
             TimestampAuthority client = TimestampAuthority.http(settings(tsa.url(), tsa))) {
            tsa.down(true);
            TimestampException e = assertThrows(TimestampException.class, () -> client.stamp(new byte[] {1}));
            assertTrue(e.getMessage().contains("503"), e.getMessage());
            tsa.down(false);
            client.stamp(new byte[] {1});
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (TimestampServer tsa = TimestampServer.start(dir.resolve("tsa2"), "Test");
             TimestampAuthority client = TimestampAuthority.http(settings(URI.create("http://127.0.0.1:" + closed + "/"), tsa))) {
            TimestampException e = assertThrows(TimestampException.class, () -> client.stamp(new byte[] {1}));
            assertTrue(e.getMessage().contains("not reachable"), e.getMessage());
        }
    }

    @Test
    void aPolicyTheTsaDoesNotUseIsRefused() throws Exception {
        try (TimestampServer tsa = TimestampServer.start(dir.resolve("tsa"), "Test");
             TimestampAuthority client = TimestampAuthority.http(new TsaSettings(tsa.url(), List.of(tsa.ca()),
                     Optional.of("1.2.3.4"), Duration.ofSeconds(5), Optional.empty()))) {
            assertThrows(TimestampException.class, () -> client.stamp(new byte[] {1}));
        }
    }

    @Test
    void plainHttpOnlyToLoopback() {
        assertTrue(TsaSettings.urlProblem(URI.create("http://127.0.0.1:8318/tsa")).isEmpty());
        assertTrue(TsaSettings.urlProblem(URI.create("http://localhost/tsa")).isEmpty());
        assertTrue(TsaSettings.urlProblem(URI.create("https://tsa.agency.example/tsa")).isEmpty());
        assertTrue(TsaSettings.urlProblem(URI.create("http://tsa.agency.example/tsa")).orElseThrow().contains("use https"));
        assertTrue(TsaSettings.urlProblem(URI.create("http://10.0.0.5/tsa")).orElseThrow().contains("use https"));
        assertTrue(TsaSettings.urlProblem(URI.create("ftp://127.0.0.1/tsa")).isPresent());
        assertTrue(TsaSettings.policyProblem("not-an-oid").isPresent());
    }
}
