package org.bwcdock.format.tsa;

import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;

/** RFC 3161 over HTTP (RFC 3161 §3.4): one POST per token, with a fresh nonce and the TSA's certificate asked for. */
final class HttpTimestampAuthority implements TimestampAuthority {
    /** A response is a few KiB; anything much larger is not one. */
    private static final int MAX_RESPONSE = 64 << 10;

    private final TsaSettings settings;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();

    HttpTimestampAuthority(TsaSettings settings) {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER);
        settings.tls().ifPresent(b::sslContext);
        this.http = b.build();
    }

    @Override
    public byte[] stamp(byte[] data) throws TimestampException, InterruptedException {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true); // the token carries the TSA's certificate: the packet's VERIFY.sh needs only the CA
        settings.policy().ifPresent(g::setReqPolicy);
        TimeStampRequest request = g.generate(NISTObjectIdentifiers.id_sha256, TimestampTokens.sha256(data), new BigInteger(64, random));
        byte[] body;
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(settings.url()).timeout(settings.timeout())
                    .header("Content-Type", "application/timestamp-query").header("Accept", "application/timestamp-reply")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                body = in.readNBytes(MAX_RESPONSE + 1);
            }
            if (r.statusCode() != 200) {
                throw new TimestampException("TSA " + settings.url() + " answered HTTP " + r.statusCode());
            }
            if (body.length > MAX_RESPONSE) {
                throw new TimestampException("TSA " + settings.url() + " answered more than " + MAX_RESPONSE + " bytes");
            }
        } catch (IOException e) {
            throw new TimestampException("TSA " + settings.url() + " not reachable: " + e, e);
        }
        try {
            // Our nonce, our imprint, our policy, and the certificate we asked for: a replayed or stray answer fails here.
            new TimeStampResponse(body).validate(request);
        } catch (TSPException | IOException | RuntimeException e) {
            throw new TimestampException("TSA " + settings.url() + " answered with an unusable response: " + e.getMessage(), e);
        }
        TimestampTokens.verify(body, data, settings.cas(), settings.policy());
        return body;
    }

    @Override
    public TsaSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        http.close();
    }
}
