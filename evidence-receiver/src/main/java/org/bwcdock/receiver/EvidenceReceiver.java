package org.bwcdock.receiver;

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

/**
 * The reference evidence receiver: tus uploads and the commit/receipt endpoint over HTTPS with
 * client certificates. Embeddable (tests, sandbox) and runnable ({@link Main}). The composition
 * root of the receiver: it owns the listener and the sweeper, and {@link #close} stops both.
 */
public final class EvidenceReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvidenceReceiver.class);

    private final HttpsEndpoint endpoint;
    private final Sweeper sweeper;
    private final CommitHandler commits;
    private final UploadStore uploads;
    private final EvidenceStore evidence;
    private final TrustedTime time;

    private EvidenceReceiver(HttpsEndpoint endpoint, Sweeper sweeper, CommitHandler commits, UploadStore uploads, EvidenceStore evidence,
                             TrustedTime time) {
        this.time = time;
        this.endpoint = endpoint;
        this.sweeper = sweeper;
        this.commits = commits;
        this.uploads = uploads;
        this.evidence = evidence;
    }

    public static EvidenceReceiver start(ReceiverSettings s) throws IOException {
        return start(s, Clock.systemUTC());
    }

    /** With another clock: tests move time to expire uploads without waiting. */
    static EvidenceReceiver start(ReceiverSettings s, Clock clock) throws IOException {
        ReceiverLimits limits = s.limits();
        List<X509Certificate> agencyCas = PemFiles.readCertificates(s.agencyCas());
        // The bucket is checked before anything listens: an unreachable one, or one that cannot lock
        // objects when the config requires it, stops the start here. With a bucket, the uploads are in
        // it too, so any receiver on the bucket continues any upload (docs/operations.md).
        UploadStore uploads;
        EvidenceStore evidence;
        if (s.s3().isPresent()) {
            S3EvidenceStore bucket = S3EvidenceStore.open(s.s3().get(), (s3, name) -> new S3UploadStore(s3, name,
                    s.store().resolve("staging"), s.uploadExpiry(), clock, limits.maxOpenUploadsPerDock(), limits.maxBytesInFlightPerDock()),
                    clock);
            uploads = bucket.uploads();
            evidence = bucket;
        } else {
            FileUploadStore files = new FileUploadStore(s.store().resolve("uploads"), s.uploadExpiry(), clock,
                    limits.maxOpenUploadsPerDock(), limits.maxBytesInFlightPerDock());
            uploads = files;
            evidence = new FileEvidenceStore(s.store().resolve("evidence"), files);
        }
        TusHandler tus = new TusHandler(uploads, s.maxUploadBytes(), s.faults());
        try {
            return start(s, clock, limits, uploads, tus, agencyCas, evidence);
        } catch (IOException | RuntimeException e) {
            evidence.close();
            throw e;
        }
    }

    private static EvidenceReceiver start(ReceiverSettings s, Clock clock, ReceiverLimits limits, UploadStore uploads, TusHandler tus,
                                          List<X509Certificate> agencyCas, EvidenceStore evidence) throws IOException {
        TrustedTime time = new TrustedTime(s.tsa(), evidence, s.store());
        try {
            return start(s, clock, limits, uploads, tus, agencyCas, evidence, time);
        } catch (IOException | RuntimeException e) {
            time.close();
            throw e;
        }
    }

    private static EvidenceReceiver start(ReceiverSettings s, Clock clock, ReceiverLimits limits, UploadStore uploads, TusHandler tus,
                                          List<X509Certificate> agencyCas, EvidenceStore evidence, TrustedTime time) throws IOException {
        CommitHandler commits = new CommitHandler(uploads, evidence, agencyCas,
                PemFiles.readPrivateKey(s.receiptKey()), PemFiles.readCertificates(s.receiptCert()).get(0), clock, time);
        Docks docks = new Docks(s.crl().map(f -> new Crl(f, agencyCas)));
        // Any certificate of the agency CA gets through TLS; Docks decides, and says why in a 403.
        SSLContext tls = TlsContexts.serverWithApplicationChecks(s.tlsChain(), s.tlsKey(), s.agencyCas());
        HttpsEndpoint endpoint;
        try {
            endpoint = new HttpsEndpoint(s.bind(), tls, limits, x -> route(x, docks, commits, tus, time));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot listen on " + s.bind() + ": " + e.getMessage(), e);
        }
        Sweeper sweeper = new Sweeper(uploads, limits.sweepInterval());
        log.info("evidence receiver on https://{}:{}/ storing uploads and evidence in {}, {}", s.bind().getHostString(), endpoint.port(),
                s.s3().map(b -> "S3 bucket " + b.bucket()).orElse(s.store().toString()),
                s.tsa().map(t -> "timestamps from " + t.tsa().url()).orElse("no TSA (receipts are not timestamped)"));
        return new EvidenceReceiver(endpoint, sweeper, commits, uploads, evidence, time);
    }

    private static void route(Exchange x, Docks docks, CommitHandler commits, TusHandler tus, TrustedTime time) throws IOException {
        try {
            Docks.Client client;
            try {
                client = docks.identify(x);
            } catch (Docks.NotADock e) {
                log.warn("{} {} refused: {}", SafeText.escape(x.method()), SafeText.escape(x.path()), SafeText.escape(e.getMessage()));
                Http.text(x, 403, e.getMessage());
                return;
            }
            String path = x.path();
            if (path.equals("/commit") && x.method().equals("POST")) {
                commits.handle(x, client);
            } else if (path.equals("/timestamp") && x.method().equals("POST")) {
                time.handle(x, client);
            } else if (path.equals(TusHandler.BASE) || path.startsWith(TusHandler.BASE + "/")) {
                tus.handle(x, client.dockId());
            } else {
                Http.empty(x, 404);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{} {}: {}", SafeText.escape(x.method()), SafeText.escape(x.uri()), SafeText.escape(e.toString()));
            throw e;
        }
    }

    public int port() {
        return endpoint.port();
    }

    /** How many evidence files are stored: tests check "exactly one copy". */
    public long evidenceCount() throws IOException {
        return commits.evidenceCount();
    }

    /** Uploads held, committed or not yet (tests: the sweeper removed an expired one). */
    long uploadCount() throws IOException {
        return uploads.all().size();
    }

    /** Open TCP connections (tests: stalled ones are closed by their deadline). */
    int openConnections() {
        return endpoint.openConnections();
    }

    @Override
    public void close() {
        sweeper.close();
        try {
            endpoint.close();
        } catch (Exception e) {
            log.warn("stopping the HTTPS listener: {}", SafeText.escape(e.toString()));
        }
        time.close(); // after the listener: no commit is timestamping any more
        evidence.close(); // after the listener: no commit is using it any more
    }
}
