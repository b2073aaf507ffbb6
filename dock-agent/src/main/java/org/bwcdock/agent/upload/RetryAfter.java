package org.bwcdock.agent.upload;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A server's HTTP {@code Retry-After} (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. The receiver
 * sends it with 429 when a dock is over its limit, and a proxy or S3-fronting server may send it with 503;
 * retrying sooner only adds load where there is too much already.
 */
final class RetryAfter {
    /** The longest wait taken from a server: a wrong or hostile value must not park the uploads for hours. */
    static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {
    }

    /** The wait asked for, capped at {@link #MAX}; zero if there is none, it is unreadable or already past. */
    static Duration of(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String v = header.get().strip();
        Duration asked;
        if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            asked = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                asked = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Duration.ZERO;
            }
        }
        if (asked.isNegative()) {
            return Duration.ZERO;
        }
        return asked.compareTo(MAX) > 0 ? MAX : asked;
    }
}
