package org.bwcdock.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code demo --sizes}: footage sizes as a user types them, and clear refusals. */
@Timeout(10)
class DemoOptionsTest {
    @Test
    void sizesWithUnits() {
        assertArrayEquals(new long[] {180_000, 2_500_000, 12_000_000, 1_000_000_000, 512}, Sandbox.sizes("180K,2.5M,12m,1G,512"));
    }

    @Test
    void badSizesNameTheItem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sandbox.sizes("180K,lots")).getMessage().contains("'lots'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sandbox.sizes("0")).getMessage().contains("'0'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sandbox.sizes("9G")).getMessage().contains("8G"));
        assertThrows(IllegalArgumentException.class, () -> Sandbox.sizes(""));
    }

    @Test
    void workdirMustBeNewOrEmpty(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertTrue(Sandbox.workdir(dir.toString()).equals(dir));
        assertTrue(Sandbox.workdir(dir.resolve("new").toString()).equals(dir.resolve("new")));
        java.nio.file.Files.writeString(dir.resolve("mine.txt"), "the user's");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Sandbox.workdir(dir.toString())).getMessage()
                .contains("is not an empty directory"));
        assertThrows(IllegalArgumentException.class, () -> Sandbox.workdir(""));
    }

    @Test
    void bothLoggingConfigurationsParse() throws Exception {
        for (String name : new String[] {"sandbox-logback.xml", "sandbox-logback-workdir.xml"}) {
            try (var in = Sandbox.class.getClassLoader().getResourceAsStream(name)) {
                assertTrue(in != null, name);
                javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in); // throws on malformed XML
            }
        }
    }
}
