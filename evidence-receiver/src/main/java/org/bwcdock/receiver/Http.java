package org.bwcdock.receiver;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small response helpers. */
final class Http {
    private Http() {
    }

    static void empty(HttpExchange x, int status) throws IOException {
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    static void text(HttpExchange x, int status, String message) throws IOException {
        bytes(x, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void bytes(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }


    static String date(Instant i) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(i.atOffset(ZoneOffset.UTC));
    }
}
