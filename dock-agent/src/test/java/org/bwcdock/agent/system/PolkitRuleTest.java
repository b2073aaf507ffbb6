package org.bwcdock.agent.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The decisions of systemd/50-bwcdock.rules for every case, including those the real polkit
 * cannot be shown here (a bwcdock login on another seat needs logind): the rule file runs under
 * node with polkit's rule API stubbed. The real polkitd with this rule is exercised by the
 * sandbox's UdisksPolkitTest and RealMountTest.
 */
@Timeout(60)
class PolkitRuleTest {
    private static final Path RULE = Path.of("../systemd/50-bwcdock.rules");
    private static final String HARNESS = """
            const fs = require('fs');
            let rule;
            const polkit = { Result: { YES: 'yes', NO: 'no', NOT_HANDLED: 'not handled' }, addRule: f => { rule = f; } };
            eval(fs.readFileSync(process.argv[1], 'utf8'));
            const [user, seat, id, type] = process.argv.slice(2);
            const action = { id, lookup: k => k === 'id.type' ? type : undefined };
            process.stdout.write(String(rule(action, { user, seat })));
            """;

    private static String decide(String user, String seat, String action, String type) throws Exception {
        Tools.Result r = Tools.run("node", "-e", HARNESS, RULE.toAbsolutePath().toString(), user, seat,
                "org.freedesktop.udisks2." + action, type);
        assertEquals(0, r.exit(), r.output());
        return r.output().trim();
    }

    @Test
    void bwcdockMountsFatAndExfatOnly() throws Exception {
        assertEquals("yes", decide("bwcdock", "", "filesystem-mount", "vfat"));
        assertEquals("yes", decide("bwcdock", "", "filesystem-mount", "exfat"));
        assertEquals("no", decide("bwcdock", "", "filesystem-mount", "ext4"));
        assertEquals("no", decide("bwcdock", "", "filesystem-mount", "ntfs"));
    }

    @Test
    void aServiceWithoutSeatMayMountOnAnotherSeatButNoLoginOnASeat() throws Exception {
        assertEquals("yes", decide("bwcdock", "", "filesystem-mount-other-seat", "vfat"));
        assertEquals("no", decide("bwcdock", "seat0", "filesystem-mount-other-seat", "vfat"));
        assertEquals("no", decide("bwcdock", "", "filesystem-mount-other-seat", "ext4"));
    }

    @Test
    void nothingElseForBwcdock() throws Exception {
        for (String a : new String[] {"filesystem-mount-system", "filesystem-unmount-others", "loop-setup", "modify-device",
                "filesystem-fstab", "power-off-drive", "eject-media", "modify-device-system"}) {
            assertEquals("no", decide("bwcdock", "", a, "vfat"), a);
        }
    }

    @Test
    void otherUsersAreLeftToTheDefaults() throws Exception {
        assertEquals("not handled", decide("alice", "seat0", "filesystem-mount", "vfat"));
        assertEquals("not handled", decide("root", "", "filesystem-unmount-others", "vfat"));
    }

    @Test
    void theRuleIsPlainEcmascript5() throws Exception {
        // polkitd 122 runs rules in duktape: no arrow functions, let/const or template strings.
        String rule = Files.readString(RULE);
        for (String modern : new String[] {"=>", "let ", "const ", "`"}) {
            assertEquals(-1, rule.indexOf(modern), "the rule uses " + modern);
        }
    }
}
