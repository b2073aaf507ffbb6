package org.bwcdock.format.tsa;

/**
 * An RFC 3161 Time Stamping Authority: proof from a third party that some bytes existed at a
 * time. The dock stamps each manifest's signature, the receiver each receipt it signs. Callers
 * treat a {@link TimestampException} as "no token now, ask again later": a TSA outage never
 * holds up custody.
 */
public interface TimestampAuthority extends AutoCloseable {
    /**
     * Asks for a token on SHA-256({@code data}) and checks it (nonce, imprint, policy, the TSA's
     * certificate against the configured CA) before returning it.
     *
     * @return the TSA's whole response (a DER {@code TimeStampResp}, what {@code openssl ts -verify -in} reads)
     */
    byte[] stamp(byte[] data) throws TimestampException, InterruptedException;

    /** The configured CA(s) and policy, to check a token that arrives later or from elsewhere. */
    TsaSettings settings();

    @Override
    void close();

    /** The TSA at {@code settings.url()}, over HTTP POST {@code application/timestamp-query}. */
    static TimestampAuthority http(TsaSettings settings) {
        return new HttpTimestampAuthority(settings);
    }
}
