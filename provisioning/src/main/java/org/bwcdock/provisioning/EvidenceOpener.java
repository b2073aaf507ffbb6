package org.bwcdock.provisioning;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAuthEnvelopedDataParser;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.ManifestSignatures;
import org.bwcdock.format.NameBytes;
import org.bwcdock.format.SafeText;
import org.bwcdock.format.Receipt;
import org.bwcdock.format.pki.Digests;
import org.bwcdock.format.BadReceiptException;
import org.bwcdock.format.Receipts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The evidence side of custody: verifies a file's manifest, decrypts its parts one at a time
 * (memory bounded by one read buffer; each part lands in a temp file until its GCM tag and hashes
 * check), verifies the whole-file hash and, if given, the receipt, and only then writes the
 * original file.
 */
public final class EvidenceOpener {
    private final Provider bc = new BouncyCastleProvider();

    /** A receipt to check too, with the certificates trusted to sign receipts. */
    public record ReceiptCheck(byte[] receipt, List<X509Certificate> signers) {
    }

    /** @return the whole file's SHA-256, as verified */
    public String open(byte[] manifest, byte[] signature, Path partsDir, PrivateKey key, X509Certificate recipient,
                       List<X509Certificate> agencyCas, Optional<ReceiptCheck> receipt, Path out) throws ProvisioningException {
        return open(manifest, signature, partsDir, key, recipient, agencyCas, receipt, m -> out);
    }

    /**
     * Restores the file under {@code dir} by the name the camera gave it: the manifest's name bytes,
     * byte for byte (also where they are not UTF-8), its directories made inside {@code dir}. The
     * name is taken only from a manifest whose signature verified, and may not leave {@code dir}.
     *
     * @return the whole file's SHA-256, as verified
     */
    public String openUnder(byte[] manifest, byte[] signature, Path partsDir, PrivateKey key, X509Certificate recipient,
                            List<X509Certificate> agencyCas, Optional<ReceiptCheck> receipt, Path dir) throws ProvisioningException {
        return open(manifest, signature, partsDir, key, recipient, agencyCas, receipt, m -> {
            String shown = SafeText.fromBytes(m.file().pathBytes());
            Path out;
            try {
                out = NameBytes.resolve(dir, m.file().pathBytes());
            } catch (IllegalArgumentException e) {
                throw new ProvisioningException("the manifest's file name cannot be restored under " + dir + ": " + e.getMessage());
            }
            if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new ProvisioningException(dir + "/" + shown + " already exists; not overwritten");
            }
            try {
                Files.createDirectories(out.getParent());
            } catch (IOException e) {
                throw new ProvisioningException("cannot make the directories of " + dir + "/" + shown + ": " + e.getMessage());
            }
            return out;
        });
    }

    private interface Target {
        Path of(Manifest verified) throws ProvisioningException;
    }

    private String open(byte[] manifest, byte[] signature, Path partsDir, PrivateKey key, X509Certificate recipient,
                        List<X509Certificate> agencyCas, Optional<ReceiptCheck> receipt, Target target) throws ProvisioningException {
        Manifest m;
        try {
            m = Manifest.decode(manifest);
        } catch (FormatException e) {
            throw new ProvisioningException(e.getMessage());
        }
        verifySignature(manifest, signature, agencyCas, m.dockId());
        String fileSha = m.file().sha256();
        if (receipt.isPresent()) {
            try {
                Receipt r = Receipts.verify(receipt.get().receipt(), receipt.get().signers());
                if (!r.plaintextSha256().equals(fileSha) || !r.manifestSha256().equals(Digests.sha256Hex(manifest))) {
                    throw new ProvisioningException("receipt is for another file or manifest");
                }
            } catch (BadReceiptException e) {
                throw new ProvisioningException("receipt: " + e.getMessage());
            }
        }
        Path out = target.of(m);
        // Plaintext leaves our hands carefully: decrypted parts and the file being assembled live in a
        // private directory (0700) beside the destination, named from the manifest's hash (a String name
        // of a non-UTF-8 path is lossy); the file is created new (0600, never through a link), and it is
        // renamed to its name only once every check has passed.
        Path work;
        try {
            work = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".partial-" + Digests.sha256Hex(manifest).substring(0, 16)
                    + "-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new ProvisioningException("cannot create a private directory beside the restored file: " + e.getMessage());
        }
        Path tmp = work.resolve("restored");
        try {
            MessageDigest whole = MessageDigest.getInstance("SHA-256");
            try (OutputStream dst = Channels.newOutputStream(FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))))) {
                for (Manifest.Part p : m.parts()) {
                    int i = p.index();
                    Path cipher = findPart(partsDir, i);
                    String actual = Digests.sha256Hex(cipher);
                    if (!actual.equals(p.ciphertextSha256())) {
                        throw new ProvisioningException("part " + i + " (" + cipher.getFileName() + "): ciphertext SHA-256 " + actual
                                + " is not the manifest's");
                    }
                    Path plain = decrypt(cipher, key, recipient, i, p, work);
                    try (InputStream in = Files.newInputStream(plain)) {
                        byte[] buf = new byte[64 * 1024];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            whole.update(buf, 0, n);
                            dst.write(buf, 0, n);
                        }
                    } finally {
                        Files.deleteIfExists(plain);
                    }
                }
            }
            String got = HexFormat.of().formatHex(whole.digest());
            if (!got.equals(fileSha)) {
                throw new ProvisioningException("the decrypted file's SHA-256 " + got + " is not the manifest's " + fileSha);
            }
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, out); // a rename; refused if out appeared meanwhile
            return got;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ProvisioningException("opening the evidence failed: " + e.getMessage());
        } finally {
            try {
                org.bwcdock.format.io.FileTrees.delete(work);
            } catch (IOException ignored) {
                // best effort: only the private directory, never the restored file once renamed
            }
        }
    }

    /**
     * Signed by the dock the manifest names, with a dock certificate. No validity check: evidence
     * is opened long after the dock's certificate may have expired.
     */
    private static void verifySignature(byte[] manifest, byte[] signature, List<X509Certificate> cas, String dockId)
            throws ProvisioningException {
        try {
            ManifestSignatures.verifyFromDock(manifest, signature, cas, dockId);
        } catch (java.security.SignatureException e) {
            throw new ProvisioningException(e.getMessage());
        }
    }

    private static Path findPart(Path dir, int index) throws ProvisioningException {
        Path receiverName = dir.resolve("part-" + index + ".cms");
        if (Files.isRegularFile(receiverName)) {
            return receiverName;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "f*-p" + index + ".cms")) {
            for (Path p : s) {
                return p;
            }
        } catch (IOException e) {
            throw new ProvisioningException(dir + ": " + e.getMessage());
        }
        throw new ProvisioningException("part " + index + " not found in " + dir);
    }

    /** Decrypts one part to a temp file; the plaintext counts only after the tag and both hashes check. */
    private Path decrypt(Path cipher, PrivateKey key, X509Certificate recipient, int index, Manifest.Part expected, Path work)
            throws ProvisioningException, IOException, java.security.GeneralSecurityException {
        Path plain = Files.createTempFile(work, "part-" + index + "-", ".plain"); // 0600, in the private directory
        try (InputStream in = Files.newInputStream(cipher); OutputStream out = Files.newOutputStream(plain)) {
            CMSAuthEnvelopedDataParser parser = new CMSAuthEnvelopedDataParser(in);
            X509CertificateHolder holder = new X509CertificateHolder(recipient.getEncoded());
            RecipientInformation info = null;
            for (RecipientInformation ri : parser.getRecipientInfos().getRecipients()) {
                if (ri.getRID().match(holder)) {
                    info = ri;
                }
            }
            if (info == null) {
                throw new ProvisioningException("part " + index + " is not encrypted for " + recipient.getSubjectX500Principal());
            }
            Recipient r = info instanceof KeyAgreeRecipientInformation
                    ? new JceKeyAgreeAuthEnvelopedRecipient(key).setProvider(bc)
                    : new JceKeyTransAuthEnvelopedRecipient(key).setProvider(bc);
            if (!(info instanceof KeyAgreeRecipientInformation) && !(info instanceof KeyTransRecipientInformation)) {
                throw new ProvisioningException("part " + index + ": unsupported recipient kind");
            }
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            long length = 0;
            try (InputStream content = info.getContentStream(r).getContentStream()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = content.read(buf)) > 0) {
                    d.update(buf, 0, n);
                    out.write(buf, 0, n);
                    length += n;
                }
            }
            String sha = HexFormat.of().formatHex(d.digest());
            if (length != expected.length() || !sha.equals(expected.plaintextSha256())) {
                throw new ProvisioningException("part " + index + ": decrypted bytes do not match the manifest");
            }
            return plain;
        } catch (ProvisioningException e) {
            Files.deleteIfExists(plain);
            throw e;
        } catch (Exception e) {
            Files.deleteIfExists(plain);
            throw new ProvisioningException("part " + index + " (" + cipher.getFileName() + "): decryption failed (wrong key, "
                    + "or the part was altered): " + e.getMessage());
        }
    }
}
