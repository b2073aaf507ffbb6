package org.bwcdock.format.pki;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/** TLS contexts from the PEM files IT staff install: our certificate chain and key, and whom we trust. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * @param chain our certificate first, then its issuers (may be null: no client certificate)
     * @param trustAnchors certificates of the CAs whose peers we accept
     */
    public static SSLContext create(Path chain, Path key, Path trustAnchors) throws IOException {
        return create(chain, key, trustAnchors, null);
    }

    /** A further check of the peer's certificate (its role, the CRL), after the chain is validated. */
    @FunctionalInterface
    public interface PeerCheck {
        void check(X509Certificate peer) throws CertificateException;
    }

    /** As {@link #create(Path, Path, Path)}, and every peer certificate must also pass {@code peerCheck} (null: none). */
    public static SSLContext create(Path chain, Path key, Path trustAnchors, PeerCheck peerCheck) throws IOException {
        List<X509Certificate> certs = chain == null ? null : PemFiles.readCertificates(chain);
        PrivateKey pk = chain == null ? null : PemFiles.readPrivateKey(key);
        try {
            return create(certs, pk, PemFiles.readCertificates(trustAnchors), peerCheck);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + chain + " / " + trustAnchors + ": " + e.getMessage(), e);
        }
    }

    /**
     * From certificates and a key already read (a program that reads each file once and checks it
     * at load): {@code chain} our certificate first (null: no client certificate), {@code anchors}
     * the CAs whose peers we accept, {@code peerCheck} a further check of the peer (null: none).
     */
    public static SSLContext create(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> anchors, PeerCheck peerCheck)
            throws GeneralSecurityException {
        KeyStore ts = emptyStore();
        int i = 0;
        for (X509Certificate c : anchors) {
            ts.setCertificateEntry("anchor-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        TrustManager[] tms = tmf.getTrustManagers();
        if (peerCheck != null) {
            tms = new TrustManager[] {new CheckedTrustManager((X509ExtendedTrustManager) tms[0], peerCheck)};
        }
        ctx.init(chain == null ? null : keyManagers(chain, key), tms, null);
        return ctx;
    }

    /** Our certificate chain (leaf first) and key, as the key managers TLS presents them from. */
    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException {
        KeyStore ks = emptyStore();
        char[] none = new char[0];
        ks.setKeyEntry("identity", key, none, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return kmf.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e); // an empty in-memory store does no I/O
        }
        return ks;
    }

    /**
     * A server context whose clients must present a certificate chaining to {@code trustAnchors}
     * (signatures, validity, CA constraints), and nothing more at the TLS layer: what the client
     * may do is decided from its roles by the application, which can answer with a reason (an
     * HTTP 403 body) where a failed handshake would only say "bad certificate".
     */
    public static SSLContext serverWithApplicationChecks(Path chain, Path key, Path trustAnchors) throws IOException {
        try {
            List<X509Certificate> anchors = PemFiles.readCertificates(trustAnchors);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keyManagers(PemFiles.readCertificates(chain), PemFiles.readPrivateKey(key)),
                    new TrustManager[] {new ChainOnlyClientTrust(anchors)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + chain + " / " + trustAnchors + ": " + e.getMessage(), e);
        }
    }

    /** Client chains are validated by PKIX (no revocation, no purpose): the application checks those. */
    private static final class ChainOnlyClientTrust implements javax.net.ssl.X509TrustManager {
        private final List<X509Certificate> anchors;
        private final java.util.Set<java.security.cert.TrustAnchor> trust;

        ChainOnlyClientTrust(List<X509Certificate> anchors) {
            this.anchors = anchors;
            this.trust = anchors.stream().map(a -> new java.security.cert.TrustAnchor(a, null))
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                var path = java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(
                        java.util.Arrays.stream(chain).filter(c -> !anchors.contains(c)).toList());
                var params = new java.security.cert.PKIXParameters(trust);
                params.setRevocationEnabled(false);
                java.security.cert.CertPathValidator.getInstance("PKIX").validate(path, params);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("client certificate does not chain to the agency CA: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server context does not check servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return anchors.toArray(X509Certificate[]::new);
        }
    }

    /** The platform's PKIX checks first, then ours on the leaf. */
    private static final class CheckedTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final PeerCheck check;

        CheckedTrustManager(X509ExtendedTrustManager pkix, PeerCheck check) {
            this.pkix = pkix;
            this.check = check;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
            check.check(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            check.check(chain[0]);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
            check.check(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            check.check(chain[0]);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
            check.check(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            check.check(chain[0]);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
