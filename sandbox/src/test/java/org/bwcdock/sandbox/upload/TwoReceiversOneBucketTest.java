package org.bwcdock.sandbox.upload;

import org.bwcdock.agent.upload.EvidenceSink;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.testing.FaultProxy;
import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two receivers, each in its own JVM, on one bucket (S3Proxy in this JVM) behind a TCP load balancer
 * (a {@link FaultProxy}, no sticky sessions). The dock's real TusSink uploads through it; receiver A
 * is killed (-9) in the middle of a part; the balancer sends the dock to receiver B, which continues
 * the very uploads A created, at the offsets the bucket holds, and receipts the commit;
 * {@code bwcdock-receiver verify} then finds the evidence in the bucket intact.
 */
@Timeout(240)
class TwoReceiversOneBucketTest {
    @TempDir
    Path dir;

    private static Process receiver(UploadFixture f, Path store, List<String> bucket) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--store", store.toString(),
                "--tls-cert", f.server.chainFile().toString(), "--tls-key", f.server.keyFile().toString(),
                "--agency-ca", f.pki.caFile().toString(), "--receipt-cert", f.receiptSigner.certFile().toString(),
                "--receipt-key", f.receiptSigner.keyFile().toString()));
        args.addAll(bucket);
        return Jvm.fork(List.of("-Xmx256m"), org.bwcdock.receiver.Main.class, args.toArray(String[]::new))
                .redirectErrorStream(true).start();
    }

    /** The port the receiver prints once it listens; its output is drained from then on, so it never blocks on a full pipe. */
    private static int port(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            int at = line.indexOf("listening on port ");
            if (at >= 0) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // the receiver's log, not needed here
                        }
                    } catch (java.io.IOException e) {
                        // the receiver was killed
                    }
                }, "receiver-output-" + p.pid());
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring(at + "listening on port ".length()).strip());
            }
        }
        throw new IllegalStateException("the receiver exited before it listened: " + p.waitFor());
    }

    @Test
    void aDocksUploadStartedOnReceiverAContinuesOnReceiverBAfterAIsKilledAndBReceiptsIt() throws Exception {
        try (UploadFixture f = new UploadFixture(dir, "s3")) {
            List<String> bucket = f.bucket.receiverOptions(dir.resolve("s3-secret"));
            // Three parts of 2 MiB, sent in 1 MiB PATCHes: A is killed once a PATCH of the second part is confirmed.
            UploadFixture.Ingested in = f.ingest(f.dock, 6 << 20, 2 << 20);
            Process a = receiver(f, dir.resolve("store-a"), bucket);
            Process b = receiver(f, dir.resolve("store-b"), bucket);
            try (FaultProxy balancer = new FaultProxy("balancer", port(a))) {
                int portB = port(b);
                Map<Integer, String> created = new ConcurrentHashMap<>();
                AtomicLong confirmedOnA = new AtomicLong(-1);
                List<String> recreated = new ArrayList<>();
                EvidenceSink.Listener failover = new EvidenceSink.Listener() {
                    @Override
                    public void partCreated(int index, String url) {
                        if (created.putIfAbsent(index, url) != null) {
                            recreated.add(index + ": " + url);
                        }
                    }

                    @Override
                    public void partProgress(int index, long confirmedOffset) {
                        if (index == 1 && confirmedOffset > 0 && confirmedOnA.compareAndSet(-1, confirmedOffset)) {
                            try {
                                Jvm.kill(a); // kill -9, mid-part: the part's first PATCH is in the bucket, the rest is not sent
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            balancer.retarget(portB);
                            balancer.resetAll();
                        }
                    }
                };
                byte[] receipt;
                try (EvidenceSink sink = f.sink(balancer.port(), f.dock, f.receiptSigner.certFile(), 4 << 20)) {
                    receipt = sink.deliver(in.delivery(null), failover);
                }
                assertFalse(a.isAlive(), "receiver A was killed mid-upload");
                assertTrue(confirmedOnA.get() > 0 && confirmedOnA.get() < (2 << 20), "A had kept part of part 1: " + confirmedOnA);
                assertEquals(3, created.size());
                assertEquals(List.of(), recreated, "B continued the uploads A created: none was started again");
                Receipt r = Receipts.verify(receipt, List.of(f.pki.ca));
                assertTrue(f.bucket.keys("evidence/" + r.evidenceId() + "/").contains("evidence/" + r.evidenceId() + "/receipt.p7s"));
                assertEquals(List.of(), f.bucket.keys("uploads/"), "the committed uploads are gone from the bucket");

                Process verify = Jvm.fork(List.of("-Xmx256m"), org.bwcdock.receiver.Main.class, concat(List.of("verify",
                        "--agency-ca", f.pki.caFile().toString(), "--receipt-signers", f.pki.caFile().toString()), bucket))
                        .redirectErrorStream(true).start();
                String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, verify.waitFor(), report);
                assertTrue(report.contains("ok " + r.evidenceId()), report);
                assertTrue(report.contains("1 evidence file(s), 1 intact, 0 missing or altered"), report);
            } finally {
                Jvm.kill(a);
                Jvm.kill(b);
            }
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
