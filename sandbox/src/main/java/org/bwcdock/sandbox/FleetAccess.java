package org.bwcdock.sandbox;

import org.bwcdock.format.pki.PemFiles;
import org.bwcdock.fleet.AlarmRules;
import org.bwcdock.fleet.DashboardServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The sandbox's side of the fleet dashboard: a TLS key for the broker's secure WebSocket listener,
 * issued by the throwaway agency CA (as IT staff would issue the broker's), a random back-office
 * password, and then the dashboard server pointed at that listener. Browsers do not trust a
 * throwaway CA: {@link #spkiHash()} is what Chromium's {@code --ignore-certificate-errors-spki-list}
 * takes to trust exactly this key (docs/operations.md).
 */
final class FleetAccess {
    private static final String NAME = "broker-websocket";
    private final Path keyStore;
    private final String keyStorePassword;
    private final String backOfficePassword;
    private final String spkiHash;

    private FleetAccess(Path keyStore, String keyStorePassword, String backOfficePassword, String spkiHash) {
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.backOfficePassword = backOfficePassword;
        this.spkiHash = spkiHash;
    }

    static FleetAccess prepare(Path dir, AgencyPki pki) throws IOException {
        Path keys = pki.keygen(NAME, "--purpose", "server", "--host", "127.0.0.1");
        List<X509Certificate> chain = PemFiles.readCertificates(keys.resolve(NAME + ".pem"));
        String storePassword = secret();
        Path store = dir.resolve(NAME + ".p12");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(NAME, PemFiles.readPrivateKey(keys.resolve(NAME + ".key")), storePassword.toCharArray(),
                    chain.toArray(Certificate[]::new));
            Files.createFile(store, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(store)) {
                ks.store(out, storePassword.toCharArray());
            }
            byte[] spki = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getPublicKey().getEncoded());
            return new FleetAccess(store, storePassword, secret(), Base64.getEncoder().encodeToString(spki));
        } catch (GeneralSecurityException e) {
            throw new IOException("broker WebSocket key store: " + e.getMessage(), e);
        }
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    SandboxBroker.WebSocket webSocket() {
        return new SandboxBroker.WebSocket(keyStore, keyStorePassword, backOfficePassword);
    }

    DashboardServer serve(URI broker) throws IOException {
        return DashboardServer.start(new InetSocketAddress("127.0.0.1", 0),
                new DashboardServer.Config(broker, BackOfficeAccess.USER, AlarmRules.DEFAULT));
    }

    /** The page with the password in the fragment (never sent to a server; the page removes it from the address bar). */
    static URI pageWithPassword(DashboardServer server, String password) {
        return URI.create(server.uri() + "#password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
    }

    String backOfficePassword() {
        return backOfficePassword;
    }

    /** Base64 SHA-256 of the broker certificate's public key, for Chromium's --ignore-certificate-errors-spki-list. */
    String spkiHash() {
        return spkiHash;
    }
}
