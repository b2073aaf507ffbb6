package org.bwcdock.provisioning;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigException;
import org.bwcdock.agent.config.ConfigLoader;
import org.bwcdock.format.pki.Certificates;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.TlsContexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import javax.net.ssl.SSLSocket;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code doctor}: on a dock, one line per check, exit 1 if any fails. */
@Command(name = "doctor", description = "Check a dock: config, key modes, certificates and expiry, clock, TLS reach of broker and receiver.")
final class Doctor implements Callable<Integer> {
    private static final Duration SOON = Duration.ofDays(30);

    @ParentCommand
    Main main;

    @Option(names = "--config", defaultValue = "/etc/bwcdock/agent.toml")
    Path config;

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private int failures;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        AgentConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
            ok("config", config + ": dock " + cfg.dockId() + ", " + cfg.bays().size() + " bay(s)");
        } catch (ConfigException e) {
            fail("config", String.join("; ", e.problems()));
            return 1;
        }
        Instant now = main.clock.instant();
        X509Certificate dock = null;
        try {
            PrivateKey key = PemFiles.readPrivateKey(cfg.identity().privateKey());
            ok("dock key", cfg.identity().privateKey() + " readable by its owner only");
            List<X509Certificate> chain = PemFiles.readCertificates(cfg.identity().certificate());
            dock = chain.get(0);
            String cn = Certificates.commonName(dock);
            if (!cn.equals(cfg.dockId())) {
                fail("dock certificate", "CN " + cn + " is not the dock id " + cfg.dockId());
            } else {
                ok("dock certificate", "CN " + cn);
            }
            Signature s = Signature.getInstance(key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA");
            s.initSign(key);
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            s.initVerify(dock.getPublicKey());
            s.update(new byte[] {1, 2, 3});
            if (s.verify(sig)) {
                ok("key matches certificate", "yes");
            } else {
                fail("key matches certificate", "the key does not belong to the certificate");
            }
            validity("dock certificate validity", dock, now);
            if (chain.size() > 1) {
                dock.verify(chain.get(1).getPublicKey());
                ok("dock chain", "issued by " + chain.get(1).getSubjectX500Principal());
                validity("CA certificate validity", chain.get(1), now);
            } else {
                fail("dock chain", cfg.identity().certificate() + " holds no CA certificate after the dock's");
            }
        } catch (Exception e) {
            fail("dock identity", e.getMessage());
        }
        for (Path r : cfg.evidence().recipients()) {
            try {
                validity("recipient " + r.getFileName(), PemFiles.readCertificates(r).get(0), now);
            } catch (Exception e) {
                fail("recipient " + r.getFileName(), e.getMessage());
            }
        }
        if (now.isBefore(Instant.parse("2025-01-01T00:00:00Z")) || (dock != null && now.isBefore(dock.getNotBefore().toInstant()))) {
            fail("clock", now + " is before the certificates were issued: set the time (NTP)");
        } else {
            ok("clock", now.toString());
        }
        reach("evidence receiver", cfg.evidence().url(), cfg, cfg.evidence().trustAnchors());
        cfg.mqtt().ifPresent(m -> m.brokers().forEach(b -> reach("broker", b, cfg, m.trustAnchors())));
        out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
        return failures == 0 ? 0 : 1;
    }

    private void validity(String what, X509Certificate c, Instant now) {
        try {
            c.checkValidity(Date.from(now));
            Instant end = c.getNotAfter().toInstant();
            ok(what, "valid until " + end + (end.isBefore(now.plus(SOON)) ? " (renew soon)" : ""));
        } catch (Exception e) {
            fail(what, "not valid now: " + e.getMessage());
        }
    }

    /** A full TLS handshake with our certificate, against the configured trust anchors. */
    private void reach(String what, URI uri, AgentConfig cfg, Optional<Path> anchors) {
        if (!List.of("https", "ssl").contains(uri.getScheme())) {
            ok(what, uri + " (plain, loopback only: no TLS to check)");
            return;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (uri.getScheme().equals("https") ? 443 : 8883);
        try {
            var ctx = TlsContexts.create(cfg.identity().certificate(), cfg.identity().privateKey(), anchors.orElseThrow());
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                s.connect(new InetSocketAddress(uri.getHost(), port), 5000);
                s.setSoTimeout(5000);
                var params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                s.startHandshake();
                ok(what, uri.getHost() + ":" + port + " TLS ok, server " + s.getSession().getPeerPrincipal());
            }
        } catch (Exception e) {
            fail(what, uri.getHost() + ":" + port + ": " + e.getMessage());
        }
    }

    private void ok(String check, String detail) {
        out.println("ok    " + check + ": " + detail);
    }

    private void fail(String check, String detail) {
        failures++;
        out.println("FAIL  " + check + ": " + detail);
    }
}
