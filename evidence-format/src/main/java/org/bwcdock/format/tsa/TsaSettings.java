package org.bwcdock.format.tsa;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the agency's TSA is and whom to believe: shared by the dock ({@code [evidence.tsa]} in
 * agent.toml) and the receiver ({@code --tsa-url}, {@code --tsa-ca}). Each loader names its own
 * keys; {@link #urlProblem} and {@link #policyProblem} are the checks they share.
 *
 * @param cas the TSA's CA certificate(s): a token counts only if its signer chains to one of them
 * @param policy the TSA policy OID to ask for and insist on; empty: whatever the TSA's default is
 * @param timeout for the whole request; a TSA slower than this counts as down (custody goes on)
 * @param tls for https: trust for the TSA's TLS certificate; empty: the JDK's default trust store
 */
public record TsaSettings(URI url, List<X509Certificate> cas, Optional<String> policy, Duration timeout, Optional<SSLContext> tls) {
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public TsaSettings {
        cas = List.copyOf(cas);
        urlProblem(url).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("no TSA CA certificate: a token could not be checked");
        }
        policy.flatMap(TsaSettings::policyProblem).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is not positive");
        }
    }

    /**
     * Why this URL will not do: http only to a loopback address (a token is signed, but on the
     * wire the request still tells who asks about what, and a cleartext path invites meddling that
     * turns into silent outages); anything else must be https.
     */
    public static Optional<String> urlProblem(URI url) {
        if (url == null || url.getHost() == null || url.getScheme() == null) {
            return Optional.of("\"" + url + "\" is not an http(s) URL with a host");
        }
        String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (!scheme.equals("http")) {
            return Optional.of("\"" + url + "\": scheme " + scheme + " is not http or https");
        }
        return loopback(url.getHost()) ? Optional.empty()
                : Optional.of("\"" + url + "\": plain http is allowed only to a loopback address; use https for a TSA elsewhere");
    }

    public static Optional<String> policyProblem(String oid) {
        return OID.matcher(oid).matches() ? Optional.empty() : Optional.of("\"" + oid.replaceAll("[^ -~]", "?")
                + "\" is not an OID like 1.3.6.1.4.1.4146.2.3");
    }

    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: no name lookup while a config is being checked.
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
