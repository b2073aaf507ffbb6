package org.bwcdock.receiver;

import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.pki.PemFiles;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bwcdock-receiver}: run the reference evidence receiver. */
@Command(name = "bwcdock-receiver", mixinStandardHelpOptions = true, subcommands = Main.Verify.class,
        description = "Reference evidence receiver: tus uploads, commit, signed receipts (HTTPS, client certificates). "
                + "'verify' checks the fixity of a store.")
public final class Main implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "8443")
    int port;

    @Option(names = "--store", description = "directory for uploads and evidence")
    Path store;

    @Option(names = "--tls-cert", description = "server certificate chain (PEM)")
    Path tlsCert;

    @Option(names = "--tls-key", description = "server key (PKCS#8 PEM, mode 0600)")
    Path tlsKey;

    @Option(names = "--agency-ca", description = "CA certificates of the docks allowed to upload (PEM)")
    Path agencyCa;

    @Option(names = "--receipt-cert")
    Path receiptCert;

    @Option(names = "--receipt-key")
    Path receiptKey;

    @Option(names = "--crl", description = "the agency CA's CRL (provision ca crl); revoked docks are refused. Re-read when it changes")
    Path crl;

    @Option(names = "--max-upload", defaultValue = "1073741824", description = "largest part in bytes")
    long maxUpload;

    // Deadlines and limits (ReceiverLimits, which validates them): defaults there, documented in docs/evidence-upload.md.
    @Option(names = "--header-deadline", description = "from connect to a complete first request (TLS handshake included), e.g. PT10S")
    Duration headerDeadline = ReceiverLimits.DEFAULTS.headerDeadline();

    @Option(names = "--idle-timeout", description = "longest silence on a connection, mid-body or between requests, e.g. PT30S")
    Duration idleTimeout = ReceiverLimits.DEFAULTS.idleTimeout();

    @Option(names = "--min-body-rate", description = "bytes a second a request body must average (0: off)")
    long minBodyRate = ReceiverLimits.DEFAULTS.minBodyRate();

    @Option(names = "--max-open-uploads-per-dock", description = "uploads a dock may hold open (429 beyond)")
    int maxOpenUploads = ReceiverLimits.DEFAULTS.maxOpenUploadsPerDock();

    @Option(names = "--max-bytes-in-flight-per-dock", description = "declared bytes of a dock's open uploads (429 beyond)")
    long maxBytesInFlight = ReceiverLimits.DEFAULTS.maxBytesInFlightPerDock();

    @Option(names = "--upload-expiry", description = "an upload's life after it was created, e.g. P7D")
    Duration uploadExpiry = ReceiverLimits.DEFAULTS.uploadExpiry();

    @Option(names = "--sweep-interval", description = "how often expired uploads are removed, e.g. PT5M")
    Duration sweepInterval = ReceiverLimits.DEFAULTS.sweepInterval();

    @Option(names = "--threads", description = "request threads")
    int threads = ReceiverLimits.DEFAULTS.threads();

    @CommandLine.Mixin
    S3Options storage;

    // Trusted time (docs/evidence-upload.md, "Timestamps"): both or neither of --tsa-url and --tsa-ca.
    @Option(names = "--tsa-url", description = "the agency's RFC 3161 TSA (https; http only to loopback): receipts are timestamped, "
            + "docks' manifest timestamps kept")
    java.net.URI tsaUrl;

    @Option(names = "--tsa-ca", description = "the TSA's CA certificate(s) (PEM): a token counts only if its signer chains to one")
    Path tsaCa;

    @Option(names = "--tsa-policy", description = "the TSA policy OID to ask for and insist on (default: the TSA's own)")
    String tsaPolicy;

    @Option(names = "--tsa-trust", description = "for an https TSA: the CA file for its TLS certificate (default: the JDK's trust store)")
    Path tsaTrust;

    @Option(names = "--tsa-timeout", description = "a TSA slower than this counts as down, e.g. PT10S")
    Duration tsaTimeout = org.bwcdock.format.tsa.TsaSettings.DEFAULT_TIMEOUT;

    @Option(names = "--tsa-retry-interval", description = "how often receipts still without a timestamp are stamped again, e.g. PT5M")
    Duration tsaRetry = Duration.ofMinutes(5);

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Required for serving, not for 'verify': checked here rather than by picocli for both.
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (Object[] o : new Object[][] {{store, "--store"}, {tlsCert, "--tls-cert"}, {tlsKey, "--tls-key"}, {agencyCa, "--agency-ca"},
                {receiptCert, "--receipt-cert"}, {receiptKey, "--receipt-key"}}) {
            if (o[0] == null) {
                missing.add((String) o[1]);
            }
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required option(s): " + String.join(", ", missing));
        }
        ReceiverSettings settings;
        try {
            ReceiverLimits limits = new ReceiverLimits(headerDeadline, idleTimeout, minBodyRate, maxOpenUploads, maxBytesInFlight,
                    uploadExpiry, sweepInterval, threads);
            settings = new ReceiverSettings(new InetSocketAddress(bind, port), store, tlsCert, tlsKey, agencyCa, receiptCert, receiptKey,
                    uploadExpiry, maxUpload, Faults.NONE, java.util.Optional.ofNullable(crl), limits);
            java.util.Optional<S3Storage> bucket = storage.s3();
            if (bucket.isPresent()) {
                settings = settings.withS3(bucket.get());
            }
            java.util.Optional<ReceiverSettings.Timestamping> tsa = tsa();
            if (tsa.isPresent()) {
                settings = settings.withTsa(tsa.get());
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        CountDownLatch stop = new CountDownLatch(1);
        EvidenceReceiver receiver;
        try {
            receiver = EvidenceReceiver.start(settings);
        } catch (java.io.IOException e) {
            // A store that cannot be used (the bucket unreachable, Object Lock required and missing): one clear line.
            spec.commandLine().getErr().println("bwcdock-receiver: not started: " + org.bwcdock.format.SafeText.escape(e.getMessage()));
            spec.commandLine().getErr().flush();
            return 1;
        }
        try (EvidenceReceiver r = receiver) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "receiver-shutdown"));
            System.out.println("listening on port " + r.port());
            stop.await();
        }
        return 0;
    }

    /** The TSA options, checked together; each problem names its option (the caller prefixes "--"). */
    private java.util.Optional<ReceiverSettings.Timestamping> tsa() {
        if (tsaUrl == null && tsaCa == null) {
            return java.util.Optional.empty();
        }
        if (tsaUrl == null || tsaCa == null) {
            throw new IllegalArgumentException((tsaUrl == null ? "tsa-url" : "tsa-ca") + ": missing (--tsa-url and --tsa-ca go together)");
        }
        org.bwcdock.format.tsa.TsaSettings.urlProblem(tsaUrl).ifPresent(p -> {
            throw new IllegalArgumentException("tsa-url: " + p);
        });
        java.util.List<java.security.cert.X509Certificate> cas;
        try {
            cas = PemFiles.readCertificates(tsaCa);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tsa-ca: " + e.getMessage());
        }
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("tsa-ca: " + tsaCa + " holds no certificate");
        }
        if (tsaPolicy != null) {
            org.bwcdock.format.tsa.TsaSettings.policyProblem(tsaPolicy).ifPresent(p -> {
                throw new IllegalArgumentException("tsa-policy: " + p);
            });
        }
        if (tsaTimeout.isNegative() || tsaTimeout.isZero()) {
            throw new IllegalArgumentException("tsa-timeout: " + tsaTimeout + " is not positive");
        }
        java.util.Optional<javax.net.ssl.SSLContext> tls = java.util.Optional.empty();
        if (tsaTrust != null) {
            try {
                tls = java.util.Optional.of(org.bwcdock.format.pki.TlsContexts.create(null, null, PemFiles.readCertificates(tsaTrust), null));
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                throw new IllegalArgumentException("tsa-trust: " + e.getMessage());
            }
        }
        return java.util.Optional.of(new ReceiverSettings.Timestamping(new org.bwcdock.format.tsa.TsaSettings(tsaUrl, cas,
                java.util.Optional.ofNullable(tsaPolicy), tsaTimeout, tls), tsaRetry));
    }

    /** {@code verify}: re-hashes every stored evidence object against its manifest and receipt. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Fixity: every stored part re-hashed against its signed manifest and verified receipt; "
                    + "one line per evidence file (ok ID, or BAD ID: what is missing or altered). Exit 1 if any is bad.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--store", description = "the receiver's store directory (with --store-type file, the default)")
        Path store;

        @CommandLine.Mixin
        S3Options storage;

        @Option(names = "--agency-ca", required = true, description = "CA certificates of the docks (PEM): manifests are checked against them")
        Path agencyCa;

        @Option(names = "--receipt-signers", required = true,
                description = "the agency CA (receipt-signer-role certificates count) or the receipt signer's own certificate (PEM)")
        Path receiptSigners;

        @Option(names = "--tsa-ca", description = "the TSA's CA certificate(s) (PEM): manifest.tsr and receipt.tsr are checked "
                + "against the files they stamp (without it, only that a token the receipt names is there)")
        Path tsaCa;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            java.util.Optional<S3Storage> bucket;
            try {
                bucket = storage.s3();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
            }
            if (bucket.isEmpty() && store == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: --store (or --store-type s3 and its bucket)");
            }
            if (bucket.isPresent()) {
                try (S3EvidenceStore s3 = S3EvidenceStore.open(bucket.get(), S3EvidenceStore.Uploads.NONE, java.time.Clock.systemUTC())) {
                    return verify(s3);
                }
            }
            return verify(StoredEvidence.directory(store));
        }

        private int verify(StoredEvidence evidence) throws Exception {
            Fixity fixity = new Fixity(evidence, PemFiles.readCertificates(agencyCa),
                    ReceiptSigners.of(PemFiles.readCertificates(receiptSigners)),
                    tsaCa == null ? java.util.List.of() : PemFiles.readCertificates(tsaCa));
            int bad = 0;
            int total = 0;
            for (Fixity.Finding f : fixity.verifyAll()) {
                spec.commandLine().getOut().println(Fixity.line(f));
                total++;
                bad += f.intact() ? 0 : 1;
            }
            spec.commandLine().getOut().println(total + " evidence file(s), " + (total - bad) + " intact, " + bad + " missing or altered");
            spec.commandLine().getOut().flush();
            return bad == 0 ? 0 : 1;
        }
    }
}
