package org.bwcdock.receiver;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * One request and its answer, as the handlers see it: the few things they need of Jetty's
 * request, response and completion callback, so that no handler touches the server's API.
 * Exactly one answer per exchange; {@link #finish} completes it whatever the handler did.
 */
final class Exchange {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long minBodyRate;
    private boolean answered;

    Exchange(Request request, Response response, Callback callback, long minBodyRate) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.minBodyRate = minBodyRate;
    }

    String method() {
        return request.getMethod();
    }

    /** The decoded path, without the query. */
    String path() {
        return request.getHttpURI().getDecodedPath();
    }

    /** The request's URI as sent, for log lines (escape it before logging). */
    String uri() {
        return request.getHttpURI().asString();
    }

    /** The first value of a request header, or null. */
    String header(String name) {
        return request.getHeaders().get(name);
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** The request body; reads block, within the connector's idle timeout and {@link RateFloor min-body-rate}. */
    InputStream body() {
        return new RateFloor(Content.Source.asInputStream(request), minBodyRate);
    }

    /** The client's certificate chain, leaf first, if TLS authenticated one. */
    Optional<X509Certificate[]> peerCertificates() {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData d
                && d.peerCertificates() != null && d.peerCertificates().length > 0) {
            return Optional.of(d.peerCertificates());
        }
        return Optional.empty();
    }

    /** Answers with {@code status} and {@code body} (null: none); {@code type} only with a body. */
    void answer(int status, String type, byte[] body) {
        if (answered) {
            throw new IllegalStateException("answered twice: " + request.getMethod() + " " + path());
        }
        answered = true;
        response.setStatus(status);
        if (body != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        response.write(true, body == null ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
    }

    /**
     * Ends the exchange after the handler returned or threw: a handler that failed ({@code error}
     * non-null) before answering loses its connection without an answer, as a broken upload should.
     */
    void finish(Throwable error) {
        if (answered) {
            return;
        }
        if (error instanceof RateFloor.TooSlow slow) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest of that body is not worth waiting for
            Http.text(this, 408, slow.getMessage());
            return;
        }
        answered = true;
        if (error == null) {
            callback.failed(new IllegalStateException("no answer to " + request.getMethod() + " " + path()));
            return;
        }
        request.getConnectionMetaData().getConnection().getEndPoint().close(error);
        callback.failed(error);
    }
}
