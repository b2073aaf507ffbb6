package org.bwcdock.format.pki;

import javax.net.ssl.KeyManagerFactory;
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
        try {
            KeyManagerFactory kmf = null;
            if (chain != null) {
                List<X509Certificate> certs = PemFiles.readCertificates(chain);
                PrivateKey pk = PemFiles.readPrivateKey(key);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] none = new char[0];
                ks.setKeyEntry("identity", pk, none, certs.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate c : PemFiles.readCertificates(trustAnchors)) {
                ts.setCertificateEntry("anchor-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a TLS context from " + chain + " / " + trustAnchors + ": " + e.getMessage(), e);
        }
    }
}
