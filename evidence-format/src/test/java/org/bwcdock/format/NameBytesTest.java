package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class NameBytesTest {
    private static final byte[] BAD = {'D', 'C', 'I', 'M', '/', 'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, '-', (byte) 0xff,
            (byte) 0xc3, '\n', '.', 'M', 'P', '4'};

    @Test
    void namesThatAreNotUtf8RoundTripAndShowAsTheirBytes() {
        String name = NameBytes.decode(BAD);
        assertTrue(NameBytes.hasRawBytes(name));
        assertArrayEquals(BAD, NameBytes.encode(name));
        assertEquals("DCIM/caf\u00e9-\\xff\\xc3\\n.MP4", SafeText.escape(name), "escaped once, as fromBytes shows the bytes");
        assertEquals(SafeText.fromBytes(BAD), SafeText.escape(name));
    }

    @Test
    void utf8NamesStayPlainStrings() {
        String name = "DCIM/caf\u00e9 \uD83D\uDCF7.MP4"; // a supplementary character is a surrogate pair: not escaped
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        assertEquals(name, NameBytes.decode(utf8));
        assertFalse(NameBytes.hasRawBytes(name));
        assertArrayEquals(utf8, NameBytes.encode(name));
        assertEquals(name, SafeText.escape(name));
        assertEquals("a\\ud800b", SafeText.escape("a\uD800b"), "any other unpaired surrogate shows by its code unit");
    }

    /** Measured on Linux: the bytes survive a directory listing and a path made from them, whatever sun.jnu.encoding says. */
    @Test
    void aFileIsFoundAndMadeByItsBytes(@TempDir Path dir) throws Exception {
        Path made = NameBytes.resolve(dir, BAD);
        Files.createDirectories(made.getParent());
        Files.writeString(made, "x");
        List<byte[]> listed = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("DCIM"))) {
            for (Path p : s) {
                listed.add(NameBytes.relative(dir, p));
            }
        }
        assertEquals(1, listed.size());
        assertArrayEquals(BAD, listed.get(0));
        byte[] last = java.util.Arrays.copyOfRange(BAD, 5, BAD.length);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("DCIM"))) {
            assertArrayEquals(last, NameBytes.fileName(s.iterator().next()), "the last name, without looking at it");
        }
        assertArrayEquals("DCIM".getBytes(StandardCharsets.US_ASCII), NameBytes.relative(dir, dir.resolve("DCIM")), "no '/' after a directory");
        assertEquals(0, NameBytes.relative(dir, dir).length);
    }

    @Test
    void aNameThatCouldLeaveTheDirectoryIsRefused(@TempDir Path dir) {
        for (String bad : List.of("", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a\0b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NameBytes.resolve(dir, bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("name "), e.getMessage());
        }
    }
}
