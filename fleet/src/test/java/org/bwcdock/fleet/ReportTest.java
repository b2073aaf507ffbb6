package org.bwcdock.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciliation on a recorded retained tree with known answers (retained-tree.json, judged as
 * of 2026-12-01T08:00Z): three docks — one with a spool 85 % full, one offline with no health left,
 * one with a bay in error, a malformed birth and fields a newer agent added — and six cameras: one
 * out of the docks for 73 h (listed by two docks; the later docking wins), one with files 3 h
 * without a receipt, one with a quarantined file, one known only from a bay.
 */
@Timeout(30)
class ReportTest {
    private static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");

    private static Path fixture() throws URISyntaxException {
        return Path.of(ReportTest.class.getResource("/retained-tree.json").toURI());
    }

    @Test
    void docksAndCamerasOfTheRecordedTree() throws Exception {
        Report r = new Report(Fleet.of(RetainedTree.read(fixture())), AlarmRules.DEFAULT, AT);
        assertEquals(List.of(
                List.of("dock-a", "online", "2026-12-01T07:59:30Z", "1.2.0", "85", "4", "2", "1", "spool-full"),
                List.of("dock-b", "offline", "2026-11-30T22:15:00Z", "1.1.3", "", "", "2", "0", "dock-offline"),
                List.of("dock-c", "online", "2026-12-01T07:59:50Z", "", "0", "0", "1", "0", "bay-error")), r.dockRows());
        assertEquals(List.of(
                List.of("BWC-1", "dock-a", "1", "Smith, J.", "2026-12-01T06:10:00Z", "0", "", ""),
                List.of("BWC-2", "dock-a", "out", "", "2026-11-28T07:00:00Z", "0", "", "not-docked"),
                List.of("BWC-3", "dock-a", "2", "=cmd|' /C calc'!A0", "2026-12-01T04:55:00Z", "3", "2026-12-01T05:00:00Z", "not-receipted"),
                List.of("BWC-4", "dock-a", "out", "", "2026-12-01T07:30:00Z", "0", "", "quarantined"),
                List.of("BWC-5", "dock-b", "1", "officer-5", "", "?", "", ""),
                List.of("BWC-6", "dock-c", "3", "officer-6", "2026-12-01T07:40:00Z", "2", "2026-12-01T07:41:00Z", "")), r.cameraRows());
        assertEquals(List.of("spool-full", "dock-offline", "bay-error", "not-docked", "not-receipted", "quarantined"),
                r.alarms().stream().map(Alarms.Alarm::kind).toList());
        assertEquals("camera BWC-2 not docked for 73 h (last at dock dock-a 2026-11-28T07:00:00Z)", r.alarms().get(3).text());
        assertEquals("camera BWC-3: 3 file(s) without receipt, oldest for 180 min", r.alarms().get(4).text());
        assertEquals("dock dock-c bay 3: mount failed: read-only file system", r.alarms().get(2).text());
    }

    @Test
    void aBaySafeAfterTheLastHealthLeavesNothingWaiting() throws Exception {
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> m = new java.util.TreeMap<>(RetainedTree.read(fixture()).messages());
        m.put("bwcdock/v1/docks/dock-a/bays/2/state", RetainedTree.payload("{\"bay\": 2, \"cameraId\": \"BWC-3\", \"phase\": \"safe\", "
                + "\"at\": \"2026-12-01T07:59:45Z\"}"));
        Fleet.Camera c = Fleet.of(new RetainedTree(m)).cameras().stream().filter(x -> x.id().equals("BWC-3")).findFirst().orElseThrow();
        assertEquals(java.util.Optional.of(0), c.filesWaiting());
        assertEquals(java.util.Optional.empty(), c.oldestUnreceipted());
    }

    @Test
    void thresholdsAreTheRules() throws Exception {
        Fleet fleet = Fleet.of(RetainedTree.read(fixture()));
        // Stricter: BWC-6's 19 minutes now count, BWC-4 out 30 min too; dock-a's 85 % stays under 90 %.
        List<String> kinds = Alarms.of(fleet, new AlarmRules(90, java.time.Duration.ofMinutes(20), java.time.Duration.ofMinutes(10)), AT)
                .stream().map(a -> a.kind() + " " + a.subject()).toList();
        assertEquals(List.of("dock-offline dock-b", "bay-error dock-c bay 3", "not-docked BWC-2", "not-receipted BWC-3", "not-docked BWC-4",
                "quarantined BWC-4", "not-receipted BWC-6"), kinds);
    }

    @Test
    void cliWritesTableAndCsvs(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Clock.fixed(AT, ZoneOffset.UTC), "report",
                "--from", fixture().toString(), "--csv", tmp.resolve("cameras.csv").toString(), "--docks-csv", tmp.resolve("docks.csv").toString());
        assertEquals(0, code, err.toString());
        String table = out.toString();
        assertTrue(table.startsWith("DOCKS\nDOCK    STATE    LAST SEEN             VERSION  SPOOL PERCENT  OUTBOX  BAYS  BAYS SAFE  ALARMS\n"
                + "dock-a  online   2026-12-01T07:59:30Z  1.2.0    85             4       2     1          spool-full\n"), table);
        assertTrue(table.contains("\nBWC-5   dock-b  1    officer-5           -                     ?              -                     -\n"), table);
        assertTrue(table.contains("ALARMS (6)\n  spool-full: dock dock-a spool 85 % full (alarm above 80 %)\n"
                + "  dock-offline: dock dock-b offline (last status 2026-11-30T22:15:00Z)\n"), table);
        assertTrue(table.endsWith("note: 1 retained message(s) were not JSON objects and were left out\n"), table);
        assertEquals("""
                camera,dock,bay,officer,last_docked,files_waiting,oldest_unreceipted,alarms\r
                BWC-1,dock-a,1,"Smith, J.",2026-12-01T06:10:00Z,0,,\r
                BWC-2,dock-a,out,,2026-11-28T07:00:00Z,0,,not-docked\r
                BWC-3,dock-a,2,'=cmd|' /C calc'!A0,2026-12-01T04:55:00Z,3,2026-12-01T05:00:00Z,not-receipted\r
                BWC-4,dock-a,out,,2026-12-01T07:30:00Z,0,,quarantined\r
                BWC-5,dock-b,1,officer-5,,?,,\r
                BWC-6,dock-c,3,officer-6,2026-12-01T07:40:00Z,2,2026-12-01T07:41:00Z,\r
                """, Files.readString(tmp.resolve("cameras.csv")));
        assertEquals("""
                dock,state,last_seen,version,spool_percent,outbox,bays,bays_safe,alarms\r
                dock-a,online,2026-12-01T07:59:30Z,1.2.0,85,4,2,1,spool-full\r
                dock-b,offline,2026-11-30T22:15:00Z,1.1.3,,,2,0,dock-offline\r
                dock-c,online,2026-12-01T07:59:50Z,,0,0,1,0,bay-error\r
                """, Files.readString(tmp.resolve("docks.csv")));

        // --at judges as of another time: a day earlier BWC-2 was out only 49 h... still over 24 h; BWC-3's files not yet waiting.
        out.getBuffer().setLength(0);
        assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), "report", "--from",
                fixture().toString(), "--at", "2026-12-01T06:00:00Z"));
        assertTrue(out.toString().contains("ALARMS (5)"), out.toString());
    }

    @Test
    void badInputNamesWhatWasWrong(@TempDir Path tmp) throws Exception {
        Path notJson = Files.writeString(tmp.resolve("tree.json"), "[1, 2]");
        assertEquals("error: " + notJson + ": expected one JSON object of topic → payload", fail("report", "--from", notJson.toString()));
        assertEquals("error: give exactly one of --from FILE and --broker URI", fail("report"));
        assertEquals("error: --undocked-alarm: 'soon' is not a duration like 90s, 45m, 24h or 7d",
                fail("report", "--from", fixture().toString(), "--undocked-alarm", "soon"));
        assertEquals("error: spool alarm: a percentage from 1 to 100, not 0", fail("report", "--from", fixture().toString(), "--spool-alarm", "0"));
        assertEquals("error: --broker: tcp://mqtt.agency.example:1883: unencrypted only to loopback; use ssl:// or wss://",
                fail("report", "--broker", "tcp://mqtt.agency.example:1883"));
        assertEquals("error: --broker: a browser connects over WebSocket: wss://host:port/path, not ssl://mqtt:8883",
                fail("export", "--broker", "ssl://mqtt:8883", tmp.resolve("web").toString()));
    }

    private static String fail(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), Clock.systemUTC(), args);
        assertEquals(1, code, err.toString());
        return err.toString().strip();
    }
}
