package org.bwcdock.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small RFC 3161 Time Stamping Authority over HTTP on loopback, for the sandbox and the tests:
 * Bouncy Castle's response generator behind the JDK's HTTP server. It has its own root ("Sandbox
 * TSA CA", written to {@code tsa-ca.pem}) and a TSA certificate under it with the critical
 * timeStamping extended key usage ({@code tsa.pem}): agencies usually buy time-stamping from a
 * provider, so the TSA's CA is configured separately from the agency CA, as here. Two instances
 * are two different TSAs. {@link #down} makes it answer 503, an outage the clients must survive.
 */
public final class TimestampServer implements AutoCloseable {
    /** The sandbox TSA's policy OID (bwcdock's arc, see org.bwcdock.format.pki.Roles#ARC, .3.1). */
    public static final String POLICY = "2.25.124740719550189632904952173755239657194.3.1";

    private final HttpServer server;
    private final ExecutorService threads;
    private final TimeStampResponseGenerator generator;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong serial = new AtomicLong(1);
    private final AtomicInteger granted = new AtomicInteger();
    private final X509Certificate ca;
    private final X509Certificate tsa;
    private final Path caFile;
    private final Path certFile;

    private TimestampServer(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        KeyPair caKeys = ec();
        X500Name caName = new X500Name("CN=" + name + " TSA CA");
        ca = sign(builder(caName, caName, caKeys, Duration.ofDays(365))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic())),
                caKeys.getPrivate());
        KeyPair tsaKeys = ec();
        tsa = sign(builder(caName, new X500Name("CN=" + name + " TSA"), tsaKeys, Duration.ofDays(90))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                // RFC 3161 §2.3: the one and only extended key usage, critical.
                .addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping))
                .addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca)),
                caKeys.getPrivate());
        caFile = Files.writeString(dir.resolve("tsa-ca.pem"), ThrowawayPki.pem(ca));
        certFile = Files.writeString(dir.resolve("tsa.pem"), ThrowawayPki.pem(tsa));
        TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA384withECDSA", tsaKeys.getPrivate(), tsa),
                new JcaDigestCalculatorProviderBuilder().build().get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)),
                new ASN1ObjectIdentifier(POLICY));
        tokens.addCertificates(new JcaCertStore(List.of(tsa)));
        tokens.setAccuracySeconds(1);
        // A policy it does not serve is refused (unacceptedPolicy), as a real TSA does.
        generator = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED, java.util.Set.of(POLICY));
        threads = Executors.newSingleThreadExecutor(r -> new Thread(r, "sandbox-tsa-" + name));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a TSA on a free loopback port; its certificates are written to {@code dir}. */
    public static TimestampServer start(Path dir, String name) throws Exception {
        return new TimestampServer(dir, name);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x; InputStream in = x.getRequestBody()) {
            byte[] body = in.readNBytes(16 << 10);
            if (down.get()) {
                x.sendResponseHeaders(503, -1);
                return;
            }
            if (!x.getRequestMethod().equals("POST")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            TimeStampResponse response;
            try {
                TimeStampRequest request = new TimeStampRequest(body);
                // generate (not generateGrantedResponse): checks algorithm and policy, answering a rejection if need be.
                response = generator.generate(request, BigInteger.valueOf(serial.getAndIncrement()), new Date());
                if (response.getTimeStampToken() != null) {
                    granted.incrementAndGet();
                }
            } catch (Exception e) {
                try {
                    response = generator.generateFailResponse(PKIStatus.REJECTION, PKIFailureInfo.badDataFormat, "bad request");
                } catch (Exception f) {
                    x.sendResponseHeaders(500, -1);
                    return;
                }
            }
            byte[] out = response.getEncoded();
            x.getResponseHeaders().set("Content-Type", "application/timestamp-reply");
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tsa");
    }

    /** The TSA's root: what a dock or receiver configures as the TSA CA, and VERIFY.sh's -CAfile. */
    public Path caFile() {
        return caFile;
    }

    public X509Certificate ca() {
        return ca;
    }

    public X509Certificate certificate() {
        return tsa;
    }

    public Path certificateFile() {
        return certFile;
    }

    /** true: every request gets 503 until {@code down(false)}. */
    public void down(boolean isDown) {
        down.set(isDown);
    }

    public boolean isDown() {
        return down.get();
    }

    /** Tokens issued so far. */
    public int granted() {
        return granted.get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(key)));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        return g.generateKeyPair();
    }
}
