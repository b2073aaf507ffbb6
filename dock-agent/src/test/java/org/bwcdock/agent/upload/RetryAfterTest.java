package org.bwcdock.agent.upload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The server's Retry-After as the dock reads it: both forms of RFC 9110, capped, and nothing taken from a bad value. */
@Timeout(10)
class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    private static Duration of(String header) {
        return RetryAfter.of(Optional.ofNullable(header), NOW);
    }

    private static String httpDate(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
    }

    @Test
    void delaySecondsAndHttpDate() {
        assertEquals(Duration.ofSeconds(60), of("60"));
        assertEquals(Duration.ofSeconds(7), of(" 7 "));
        assertEquals(Duration.ZERO, of("0"));
        assertEquals(Duration.ofSeconds(90), of(httpDate(NOW.plusSeconds(90))));
    }

    @Test
    void aDateInThePastOrNothingReadableIsNoWait() {
        assertEquals(Duration.ZERO, of(null));
        assertEquals(Duration.ZERO, of(httpDate(NOW.minusSeconds(30))));
        assertEquals(Duration.ZERO, of("-5"));
        assertEquals(Duration.ZERO, of("soon"));
        assertEquals(Duration.ZERO, of(""));
        assertEquals(Duration.ZERO, of("1.5"));
        assertEquals(Duration.ZERO, of("99999999999999999999"), "too many digits for a wait anyone means");
    }

    @Test
    void aLongWaitIsCappedSoAServerCannotParkTheUploads() {
        assertEquals(RetryAfter.MAX, of("86400"));
        assertEquals(RetryAfter.MAX, of("999999999"));
        assertEquals(RetryAfter.MAX, of(httpDate(NOW.plus(Duration.ofDays(30)))));
    }
}
