package org.bwcdock.receiver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.Certificates;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference evidence receiver: tus uploads and the commit/receipt endpoint over HTTPS with
 * client certificates. Embeddable (tests, sandbox) and runnable ({@link Main}).
 */
public final class EvidenceReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvidenceReceiver.class);

    private final HttpsServer server;
    private final ExecutorService workers;
    private final CommitHandler commits;

    private EvidenceReceiver(HttpsServer server, ExecutorService workers, CommitHandler commits) {
        this.server = server;
        this.workers = workers;
        this.commits = commits;
    }

    public static EvidenceReceiver start(ReceiverSettings s) throws IOException {
        Clock clock = Clock.systemUTC();
        UploadStore uploads = new UploadStore(s.store().resolve("uploads"), s.uploadExpiry(), clock);
        TusHandler tus = new TusHandler(uploads, s.maxUploadBytes(), s.faults());
        CommitHandler commits = new CommitHandler(uploads, s.store().resolve("evidence"), PemFiles.readCertificates(s.agencyCas()),
                PemFiles.readPrivateKey(s.receiptKey()), PemFiles.readCertificates(s.receiptCert()).get(0), clock);
        SSLContext tls = TlsContexts.create(s.tlsChain(), s.tlsKey(), s.agencyCas());
        HttpsServer server = HttpsServer.create(s.bind(), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters p) {
                var params = tls.getDefaultSSLParameters();
                params.setNeedClientAuth(true); // no certificate, no service
                p.setSSLParameters(params);
            }
        });
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(8, r -> new Thread(r, "receiver-http-" + n.incrementAndGet()));
        server.setExecutor(workers);
        server.createContext("/", x -> {
            try {
                String client = clientName(x);
                String path = x.getRequestURI().getPath();
                if (path.equals("/commit") && x.getRequestMethod().equals("POST")) {
                    commits.handle(x, client);
                } else if (path.equals(TusHandler.BASE) || path.startsWith(TusHandler.BASE + "/")) {
                    tus.handle(x, client);
                } else {
                    Http.empty(x, 404);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("{} {}: {}", SafeText.escape(x.getRequestMethod()), SafeText.escape(String.valueOf(x.getRequestURI())),
                        SafeText.escape(e.toString()));
                x.close();
                throw e;
            }
        });
        server.start();
        log.info("evidence receiver on https://{}:{}/ storing in {}", s.bind().getHostString(), server.getAddress().getPort(), s.store());
        return new EvidenceReceiver(server, workers, commits);
    }

    private static String clientName(HttpExchange x) throws IOException {
        try {
            var cert = (X509Certificate) ((HttpsExchange) x).getSSLSession().getPeerCertificates()[0];
            return Certificates.commonName(cert);
        } catch (SSLPeerUnverifiedException e) {
            throw new IOException("client presented no certificate", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How many evidence files are stored: tests check "exactly one copy". */
    public long evidenceCount() throws IOException {
        return commits.evidenceCount();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
