package org.bwcdock.receiver;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small response helpers. */
final class Http {
    private Http() {
    }

    static void empty(Exchange x, int status) {
        x.answer(status, null, null);
    }

    /** A refusal or an explanation: the body says what was wrong, in a line of text. */
    static void text(Exchange x, int status, String message) {
        bytes(x, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void bytes(Exchange x, int status, String type, byte[] body) {
        x.answer(status, type, body);
    }

    static String date(Instant i) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atOffset(ZoneOffset.UTC));
    }
}
