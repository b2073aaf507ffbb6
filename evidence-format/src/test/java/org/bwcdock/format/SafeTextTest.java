package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

@Timeout(5)
class SafeTextTest {
    @Test
    void plainTextIsUntouched() {
        String s = "DCIM/100/VID0001.MP4 Ünïcødé ✓";
        assertSame(s, SafeText.escape(s));
    }

    @Test
    void controlsNewlinesEscapesAndOverridesBecomeVisible() {
        assertEquals("a\\nINFO forged\\r\\t", SafeText.escape("a\nINFO forged\r\t"));
        assertEquals("\\x1b[31mred\\x1b[0m", SafeText.escape("\u001b[31mred\u001b[0m"));
        assertEquals("\\x00\\x7f\\u0085\\u009b", SafeText.escape("\u0000\u007f\u0085\u009b"));
        assertEquals("x\\u2028y\\u202egnp.exe", SafeText.escape("x\u2028y\u202egnp.exe"));
        assertEquals("back\\\\slash\\\\n", SafeText.escape("back\\slash\\n"), "a literal backslash-n stays distinguishable");
    }

    @Test
    void invalidUtf8BytesKeepTheirValue() {
        byte[] raw = {'V', 'I', 'D', (byte) 0xff, (byte) 0xc3, '.', 'M', 'P', '4', '\n'};
        assertEquals("VID\\xff\\xc3.MP4\\n", SafeText.fromBytes(raw));
        assertEquals("ok/é", SafeText.fromBytes("ok/é".getBytes(StandardCharsets.UTF_8)));
    }
}
