package org.bwcdock.provisioning;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.Receipts;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.io.FileTrees;
import org.bwcdock.format.pki.Role;
import org.bwcdock.format.pki.Roles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The court packet for one stored evidence file: the restored footage, the dock's manifest and
 * signature, the receipt, the certificates that signed them, a README for a non-technical reader
 * and a VERIFY.sh that checks every piece with openssl and sha256sum alone. Everything is checked
 * here first (as {@code evidence open} does) and written into a private directory (0700, files
 * 0600, created new, never through a link) that is renamed into place only when complete.
 */
final class CourtPacket {
    private static final Pattern SAFE_EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,8}");
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z][A-Z0-9_]*@");

    /**
     * The stored evidence ({@code part-N.cms}, {@code manifest.json}, {@code manifest.p7s}, {@code receipt.p7s},
     * and {@code manifest.tsr} / {@code receipt.tsr} if timestamped) and who may read it.
     *
     * @param tsaCas the time-stamping authority's CA: required when the evidence holds timestamps
     * @param auditExport the dock's {@code bwcdock-agent audit export}, for the audit rows about the file (docs/manifest.md)
     */
    record Sources(Path evidenceDir, PrivateKey recipientKey, X509Certificate recipient, List<X509Certificate> agencyCas,
                   List<X509Certificate> receiptSigners, List<X509Certificate> tsaCas, Optional<Path> auditExport) {
    }

    private CourtPacket() {
    }

    /** Writes the packet as the new directory {@code out}; returns the footage's SHA-256. */
    static String write(Sources s, Path out) throws ProvisioningException {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new ProvisioningException(out + " already exists; not overwritten");
        }
        byte[] manifest = read(s.evidenceDir(), "manifest.json");
        byte[] signature = read(s.evidenceDir(), "manifest.p7s");
        byte[] receipt = read(s.evidenceDir(), "receipt.p7s");
        Manifest m;
        X509Certificate dock;
        X509Certificate signer;
        Receipt r;
        try {
            m = Manifest.decode(manifest);
            dock = ManifestSignatures.verifyFromDock(manifest, signature, s.agencyCas(), m.dockId());
            r = Receipts.verify(receipt, s.receiptSigners());
            signer = receiptSigner(receipt);
        } catch (FormatException | java.security.SignatureException | BadReceiptException e) {
            throw new ProvisioningException(s.evidenceDir() + ": " + e.getMessage());
        }
        X509Certificate ca = s.agencyCas().stream().filter(c -> Roles.issuedBy(dock, c)).findFirst()
                .orElseThrow(() -> new ProvisioningException("no agency CA given issued the dock's certificate"));
        if (!Roles.issuedBy(signer, ca)) {
            throw new ProvisioningException("the receipt signer's certificate is not issued by the CA that issued the dock's");
        }
        PacketTimestamps times = PacketTimestamps.read(s.evidenceDir(), signature, receipt, s.tsaCas());
        Optional<PacketAudit.Extract> audit = Optional.empty();
        if (s.auditExport().isPresent()) {
            Path store = s.evidenceDir().toAbsolutePath().getParent().getParent(); // <store>/evidence/<id>
            audit = Optional.of(PacketAudit.cut(read(s.auditExport().get().toAbsolutePath().getParent(),
                    s.auditExport().get().getFileName().toString()), m, store, s.agencyCas()));
        }
        String footage = "footage" + extension(m.file().path());
        Path parent = out.toAbsolutePath().getParent();
        Path work;
        try {
            work = Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new ProvisioningException(parent + ": cannot create the packet's private directory: " + e.getMessage());
        }
        try {
            String sha = new EvidenceOpener().open(manifest, signature, s.evidenceDir(), s.recipientKey(), s.recipient(),
                    s.agencyCas(), Optional.of(new EvidenceOpener.ReceiptCheck(receipt, s.receiptSigners())), work.resolve(footage));
            Path certs = Files.createDirectory(work.resolve("certs"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            create(work.resolve("manifest.json"), manifest, "rw-------");
            create(work.resolve("manifest.p7s"), signature, "rw-------");
            create(work.resolve("receipt.p7s"), receipt, "rw-------");
            create(certs.resolve("agency-ca.pem"), pem(ca), "rw-------");
            create(certs.resolve("dock.pem"), pem(dock), "rw-------");
            create(certs.resolve("receipt-signer.pem"), pem(signer), "rw-------");
            if (times.manifestToken().isPresent()) {
                create(work.resolve("manifest.tsr"), times.manifestToken().get(), "rw-------");
            }
            if (times.receiptToken().isPresent()) {
                create(work.resolve("receipt.tsr"), times.receiptToken().get(), "rw-------");
            }
            if (times.tsa().isPresent()) {
                create(certs.resolve("tsa-ca.pem"), pem(times.tsaCa().orElseThrow()), "rw-------");
                create(certs.resolve("tsa.pem"), pem(times.tsa().get()), "rw-------");
            }
            create(work.resolve("VERIFY.sh"), fill("VERIFY.sh", Map.of("@DOCK_POLICY@", Role.DOCK.policyOid(),
                    "@RECEIPT_SIGNER_POLICY@", Role.RECEIPT_SIGNER.policyOid(), "@FOOTAGE@", footage,
                    "@MANIFEST_TOKEN@", times.has(times.manifestToken()), "@RECEIPT_TOKEN@", times.has(times.receiptToken()),
                    "@AUDIT_ROWS@", audit.isPresent() ? "yes" : "no")),
                    "rwx------");
            if (audit.isPresent()) {
                Path dir = Files.createDirectory(work.resolve("audit"),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                create(dir.resolve("rows.tsv"), audit.get().rowsTsv(), "rw-------");
                create(dir.resolve("checkpoint.json"), audit.get().checkpointJson(), "rw-------");
                create(dir.resolve("checkpoint.p7s"), audit.get().checkpointSignature(), "rw-------");
                FileTrees.fsyncDirectory(dir);
            }
            create(work.resolve("README.txt"), readme(m, r, footage, times, audit), "rw-------");
            create(work.resolve("timeline.html"), timeline(m, r, footage, manifest, dock, signer, times, audit), "rw-------");
            FileTrees.fsyncDirectory(certs);
            FileTrees.fsyncDirectory(work);
            Files.move(work, out, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.fsyncDirectory(parent);
            return sha;
        } catch (IOException e) {
            throw new ProvisioningException(out + ": writing the packet failed: " + e.getMessage());
        } finally {
            deleteQuietly(work);
        }
    }

    /** The receipt's signing certificate, as it carries it (Receipts.verify checked it already). */
    private static X509Certificate receiptSigner(byte[] receipt) throws BadReceiptException {
        try {
            CMSSignedData cms = new CMSSignedData(receipt);
            SignerInformation si = cms.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            var matches = cms.getCertificates().getMatches(si.getSID());
            X509CertificateHolder holder = (X509CertificateHolder) matches.iterator().next();
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CMSException | CertificateException | RuntimeException e) {
            throw new BadReceiptException("receipt: its signer's certificate cannot be read: " + e.getMessage());
        }
    }

    /** The camera file's extension if it is plainly one (a player needs it), else none: names come from the camera. */
    private static String extension(String path) {
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot);
        return SAFE_EXTENSION.matcher(ext).matches() ? ext : "";
    }

    private static byte[] readme(Manifest m, Receipt r, String footage, PacketTimestamps times, Optional<PacketAudit.Extract> audit)
            throws IOException {
        return fill("README.txt", Map.ofEntries(
                Map.entry("@DOCK_CLOCK@", PacketStory.dockClock(m)),
                Map.entry("@CAMERA_CLOCK@", PacketStory.cameraClock(m)),
                Map.entry("@AUDIT@", PacketStory.auditText(audit)),
                Map.entry("@MANIFEST_TIME@", times.when(times.manifestTime())),
                Map.entry("@RECEIPT_TIME@", times.when(times.receiptTime())),
                Map.entry("@TSA@", times.tsa().map(t -> SafeText.escape(t.getSubjectX500Principal().getName())).orElse("none")),
                Map.entry("@CAMERA@", SafeText.escape(m.cameraId())),
                Map.entry("@OFFICER@", m.officerId() == null ? "none recorded" : SafeText.escape(m.officerId())),
                Map.entry("@DOCK@", SafeText.escape(m.dockId())),
                Map.entry("@BAY@", Integer.toString(m.bay())),
                Map.entry("@PATH@", SafeText.escape(m.file().path())),
                Map.entry("@SIZE@", Long.toString(m.file().size())),
                Map.entry("@MTIME@", m.file().mtime().toString()),
                Map.entry("@INGEST_STARTED@", m.ingestStarted().toString()),
                Map.entry("@INGEST_ENDED@", m.ingestEnded().toString()),
                Map.entry("@RECEIVED@", SafeText.escape(r.receivedAt())),
                Map.entry("@SHA256@", m.file().sha256()),
                Map.entry("@FOOTAGE@", footage)));
    }

    /** The custody steps as a static page (no script; every value from outside HTML-escaped). */
    private static byte[] timeline(Manifest m, Receipt r, String footage, byte[] manifest, X509Certificate dock,
                                   X509Certificate signer, PacketTimestamps times, Optional<PacketAudit.Extract> audit)
            throws IOException {
        return fill("timeline.html", Map.ofEntries(
                Map.entry("@DOCK_CLOCK@", html(PacketStory.dockClock(m))),
                Map.entry("@CAMERA_CLOCK@", html(PacketStory.cameraClock(m))),
                Map.entry("@WIPED@", PacketStory.wipedStep(audit, CourtPacket::html)),
                Map.entry("@STAMPED_CLASS@", times.manifestToken().isPresent() && times.receiptToken().isPresent() ? "" : " class=\"missing\""),
                Map.entry("@MANIFEST_TIME@", times.when(times.manifestTime())),
                Map.entry("@RECEIPT_TIME@", times.when(times.receiptTime())),
                Map.entry("@TSA@", times.tsa().map(t -> html(t.getSubjectX500Principal().getName())).orElse("none")),
                Map.entry("@FOOTAGE@", html(footage)),
                Map.entry("@SHA256@", m.file().sha256()),
                Map.entry("@MTIME@", m.file().mtime().toString()),
                Map.entry("@CAMERA@", html(SafeText.escape(m.cameraId()))),
                Map.entry("@PATH@", html(SafeText.escape(m.file().path()))),
                Map.entry("@SIZE@", Long.toString(m.file().size())),
                Map.entry("@INGEST_STARTED@", m.ingestStarted().toString()),
                Map.entry("@INGEST_ENDED@", m.ingestEnded().toString()),
                Map.entry("@DOCK@", html(SafeText.escape(m.dockId()))),
                Map.entry("@BAY@", Integer.toString(m.bay())),
                Map.entry("@OFFICER@", m.officerId() == null ? "none recorded" : html(SafeText.escape(m.officerId()))),
                Map.entry("@DOCK_SUBJECT@", html(dock.getSubjectX500Principal().getName())),
                Map.entry("@MANIFEST_SHA256@", org.bwcdock.format.pki.Digests.sha256Hex(manifest)),
                Map.entry("@PARTS@", Integer.toString(m.parts().size())),
                Map.entry("@RECEIVED@", html(SafeText.escape(r.receivedAt()))),
                Map.entry("@RECEIPT_SHA256@", r.plaintextSha256()),
                Map.entry("@SIGNER_SUBJECT@", html(signer.getSubjectX500Principal().getName())),
                Map.entry("@EVIDENCE_ID@", html(SafeText.escape(r.evidenceId())))));
    }

    private static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static byte[] fill(String template, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = CourtPacket.class.getResourceAsStream("packet/" + template)) {
            if (in == null) {
                throw new IOException("packet template " + template + " is missing from the build");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // One pass: a value (a camera's file name) that looks like a placeholder stays as it is.
        java.util.regex.Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group());
            if (v == null) {
                throw new IOException("packet template " + template + ": no value for " + m.group());
            }
            m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pem(X509Certificate c) throws IOException {
        try {
            return ("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private static byte[] read(Path dir, String name) throws ProvisioningException {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new ProvisioningException(f + ": not a regular file in the evidence store");
        }
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new ProvisioningException(f + ": " + e.getMessage());
        }
    }

    /** A new file (never an existing one, never through a link) with {@code mode}, its bytes on disk. */
    private static void create(Path f, byte[] bytes, String mode) throws IOException {
        FileTrees.writeSynced(f, bytes, Set.of(StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // best effort: the packet's private directory, never the packet itself once renamed
        }
    }
}
