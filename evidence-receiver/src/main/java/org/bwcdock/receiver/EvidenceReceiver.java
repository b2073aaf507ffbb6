package org.bwcdock.receiver;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
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
        List<X509Certificate> agencyCas = PemFiles.readCertificates(s.agencyCas());
        CommitHandler commits = new CommitHandler(uploads, s.store().resolve("evidence"), agencyCas,
                PemFiles.readPrivateKey(s.receiptKey()), PemFiles.readCertificates(s.receiptCert()).get(0), clock);
        Docks docks = new Docks(s.crl().map(f -> new Crl(f, agencyCas)));
        // Any certificate of the agency CA gets through TLS; Docks decides, and says why in a 403.
        SSLContext tls = TlsContexts.serverWithApplicationChecks(s.tlsChain(), s.tlsKey(), s.agencyCas());
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
                Docks.Client client;
                try {
                    client = docks.identify(x);
                } catch (Docks.NotADock e) {
                    log.warn("{} {} refused: {}", SafeText.escape(x.getRequestMethod()), SafeText.escape(x.getRequestURI().getPath()),
                            SafeText.escape(e.getMessage()));
                    Http.text(x, 403, e.getMessage());
                    return;
                }
                String path = x.getRequestURI().getPath();
                if (path.equals("/commit") && x.getRequestMethod().equals("POST")) {
                    commits.handle(x, client);
                } else if (path.equals(TusHandler.BASE) || path.startsWith(TusHandler.BASE + "/")) {
                    tus.handle(x, client.dockId());
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
