package org.bwcdock.receiver;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bwcdock-receiver}: run the reference evidence receiver. */
@Command(name = "bwcdock-receiver", mixinStandardHelpOptions = true,
        description = "Reference evidence receiver: tus uploads, commit, signed receipts (HTTPS, client certificates).")
public final class Main implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "8443")
    int port;

    @Option(names = "--store", required = true, description = "directory for uploads and evidence")
    Path store;

    @Option(names = "--tls-cert", required = true, description = "server certificate chain (PEM)")
    Path tlsCert;

    @Option(names = "--tls-key", required = true, description = "server key (PKCS#8 PEM, mode 0600)")
    Path tlsKey;

    @Option(names = "--agency-ca", required = true, description = "CA certificates of the docks allowed to upload (PEM)")
    Path agencyCa;

    @Option(names = "--receipt-cert", required = true)
    Path receiptCert;

    @Option(names = "--receipt-key", required = true)
    Path receiptKey;

    @Option(names = "--crl", description = "the agency CA's CRL (provision ca crl); revoked docks are refused. Re-read when it changes")
    Path crl;

    @Option(names = "--max-upload", defaultValue = "1073741824", description = "largest part in bytes")
    long maxUpload;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        try (EvidenceReceiver r = EvidenceReceiver.start(new ReceiverSettings(new InetSocketAddress(bind, port), store, tlsCert,
                tlsKey, agencyCa, receiptCert, receiptKey, Duration.ofDays(7), maxUpload, Faults.NONE, java.util.Optional.ofNullable(crl)))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "receiver-shutdown"));
            System.out.println("listening on port " + r.port());
            stop.await();
        }
        return 0;
    }
}
