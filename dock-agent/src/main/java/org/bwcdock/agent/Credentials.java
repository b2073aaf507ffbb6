package org.bwcdock.agent;

import org.bwcdock.agent.config.AgentConfig;
import org.bwcdock.agent.config.ConfigException;
import org.bwcdock.agent.config.TrustSettings;
import org.bwcdock.agent.telemetry.MqttSettings;
import org.bwcdock.format.ReceiptSigners;
import org.bwcdock.format.pki.Crl;
import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;
import org.bwcdock.format.pki.TlsContexts;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PEM files agent.toml names, read when the agent is built rather than when it starts: a
 * certificate that does not parse is a config problem, named by its key, in check-config as in run.
 * {@code toString()} never shows the key.
 */
final class Credentials {
    final PrivateKey signingKey;
    final List<X509Certificate> signingChain;
    final List<X509Certificate> recipients;
    final ReceiptSigners receiptSigners;
    final Optional<SSLContext> evidenceTls;
    final Optional<SSLContext> mqttTls;
    /** Who may sign a command that can cause loss: back-office certificates of the CA(s) in mqtt.trustAnchors. */
    final MqttSettings.CommandTrust commandTrust;

    private Credentials(PrivateKey signingKey, List<X509Certificate> signingChain, List<X509Certificate> recipients,
                        ReceiptSigners receiptSigners, Optional<SSLContext> evidenceTls, Optional<SSLContext> mqttTls,
                        MqttSettings.CommandTrust commandTrust) {
        this.signingKey = signingKey;
        this.signingChain = List.copyOf(signingChain);
        this.recipients = List.copyOf(recipients);
        this.receiptSigners = receiptSigners;
        this.evidenceTls = evidenceTls;
        this.mqttTls = mqttTls;
        this.commandTrust = commandTrust;
    }

    /** Reads every file, or fails with every problem at once, each under its key. */
    static Credentials read(AgentConfig c) throws ConfigException {
        List<String> problems = new ArrayList<>();
        List<X509Certificate> chain = certificates("identity.certificate", c.identity().certificate(), problems);
        PrivateKey key = privateKey(c.identity().privateKey(), problems);
        // Recipients and receipt signers were read and checked for their roles by the loader (TrustSettings).
        TrustSettings trust = c.evidence().trust();
        List<X509Certificate> recipients = trust.recipients();
        Optional<Crl> crl = trust.crl().map(f -> new Crl(f, trust.receiptSignerCas()));
        ReceiptSigners signers = new ReceiptSigners(trust.receiptSignerCas(), trust.receiptSignerPins(), crl);
        boolean identityOk = problems.isEmpty();
        // Each file is read once: the MQTT trust anchors serve both the broker's TLS and the command signers.
        List<X509Certificate> mqttAnchors = c.mqtt().flatMap(AgentConfig.Mqtt::trustAnchors)
                .map(f -> certificates("mqtt.trustAnchors", f, problems)).orElse(List.of());
        Optional<SSLContext> evidenceTls = c.evidence().url().getScheme().equals("https") && identityOk
                ? tls("evidence.trustAnchors", chain, key,
                certificates("evidence.trustAnchors", c.evidence().trustAnchors().orElseThrow(), problems),
                // The evidence server must hold the receiver role and not be revoked: another key of the
                // agency CA (a dock's, the receipt signer's) must not be able to pose as the evidence server.
                Roles.requiring(Role.EVIDENCE_RECEIVER, crl), problems)
                : Optional.empty();
        Optional<SSLContext> mqttTls = c.mqtt().filter(m -> m.brokers().stream().anyMatch(u -> u.getScheme().equals("ssl")))
                .filter(m -> identityOk && !mqttAnchors.isEmpty())
                .flatMap(m -> tls("mqtt.trustAnchors", chain, key, mqttAnchors, null, problems));
        List<X509Certificate> commandCas = mqttAnchors.stream().filter(Roles::isCa).toList();
        if (!problems.isEmpty()) {
            throw new ConfigException("configuration", problems);
        }
        return new Credentials(key, chain, recipients, signers, evidenceTls, mqttTls, new MqttSettings.CommandTrust(commandCas, crl));
    }

    private static PrivateKey privateKey(Path file, List<String> problems) {
        try {
            return PemFiles.readPrivateKey(file);
        } catch (IOException e) {
            problems.add("identity.privateKey: " + e.getMessage());
            return null;
        }
    }

    private static List<X509Certificate> certificates(String key, Path file, List<String> problems) {
        try {
            return PemFiles.readCertificates(file);
        } catch (IOException e) {
            problems.add(key + ": " + e.getMessage());
            return List.of();
        }
    }

    private static Optional<SSLContext> tls(String key, List<X509Certificate> chain, PrivateKey privateKey,
                                            List<X509Certificate> anchors, TlsContexts.PeerCheck peer, List<String> problems) {
        if (anchors.isEmpty()) {
            return Optional.empty(); // the reading already named the problem
        }
        try {
            return Optional.of(TlsContexts.create(chain, privateKey, anchors, peer));
        } catch (java.security.GeneralSecurityException e) {
            problems.add(key + ": cannot build a TLS context with identity.certificate and identity.privateKey: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + signingChain.size() + " certificate(s) in the dock's chain, " + recipients.size()
                + " recipient(s), receipt signers " + receiptSigners + "; key not shown]";
    }
}
