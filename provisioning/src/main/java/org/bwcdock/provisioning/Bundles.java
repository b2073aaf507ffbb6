package org.bwcdock.provisioning;

import org.bwcdock.format.io.FileTrees;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A bundle is a zip of the dock's config files plus {@code bundle.index} (canonical JSON: every
 * entry's SHA-256) and {@code bundle.p7s} (detached CMS signature over the index by the agency CA).
 */
final class Bundles {
    static final Pattern NAME = Pattern.compile("agent\\.toml|[a-z0-9][a-z0-9._-]{0,63}\\.(pem|crt)|recipients/[a-z0-9][a-z0-9._-]{0,63}\\.pem");
    private static final int MAX_ENTRY = 1 << 20;
    private static final int MAX_ENTRIES = 64;

    private Bundles() {
    }

    static void checkName(String name) throws ProvisioningException {
        if (!NAME.matcher(name).matches()) {
            throw new ProvisioningException("bundle entry name \"" + name + "\" is not allowed (agent.toml, NAME.pem, NAME.crt, recipients/NAME.pem)");
        }
    }

    /**
     * The file holds PEM certificates and nothing else: a bundle is installed readable by the agent
     * and signed for every dock, so a key that slipped in would be published.
     */
    static void certificatesOnly(String entry, Path file) throws ProvisioningException {
        try (java.io.Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             org.bouncycastle.openssl.PEMParser pem = new org.bouncycastle.openssl.PEMParser(r)) {
            int certificates = 0;
            Object o;
            while (true) {
                try {
                    o = pem.readObject();
                } catch (IOException | RuntimeException e) {
                    throw new ProvisioningException(file + " (" + entry + "): holds a PEM object that is not a certificate ("
                            + e.getMessage() + "); bundles carry certificates, never keys");
                }
                if (o == null) {
                    break;
                }
                if (!(o instanceof X509CertificateHolder)) {
                    throw new ProvisioningException(file + " (" + entry + "): holds " + describe(o)
                            + "; bundles carry certificates, never keys");
                }
                certificates++;
            }
            if (certificates == 0) {
                throw new ProvisioningException(file + " (" + entry + "): contains no PEM certificate");
            }
        } catch (IOException e) {
            throw new ProvisioningException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String describe(Object pemObject) {
        String type = pemObject.getClass().getSimpleName();
        return type.contains("Key") || type.contains("PrivateKeyInfo") ? "a private key (" + type + ")" : "a " + type + ", not a certificate";
    }

    static byte[] create(Map<String, byte[]> entries, PrivateKey caKey, X509Certificate ca, Clock clock) throws Exception {
        byte[] index = BundleCommands.index(entries).getBytes(StandardCharsets.UTF_8);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(caKey), ca));
        gen.addCertificates(new JcaCertStore(List.of(ca)));
        byte[] sig = gen.generate(new CMSProcessableByteArray(index), false).getEncoded("DER");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                put(zip, e.getKey(), e.getValue(), clock);
            }
            put(zip, "bundle.index", index, clock);
            put(zip, "bundle.p7s", sig, clock);
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data, Clock clock) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(clock.millis());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Every entry, once the signature is by one of the trusted CAs and every hash matches; otherwise nothing. */
    static Map<String, byte[]> verify(byte[] bundle, List<X509Certificate> trustedCas) throws ProvisioningException {
        Map<String, byte[]> entries = new TreeMap<>();
        byte[] index = null;
        byte[] sig = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (entries.size() > MAX_ENTRIES) {
                    throw new ProvisioningException("bundle has too many entries");
                }
                byte[] data = zip.readNBytes(MAX_ENTRY + 1);
                if (data.length > MAX_ENTRY) {
                    throw new ProvisioningException("bundle entry " + e.getName() + " is over " + MAX_ENTRY + " bytes");
                }
                switch (e.getName()) {
                    case "bundle.index" -> index = data;
                    case "bundle.p7s" -> sig = data;
                    default -> {
                        checkName(e.getName());
                        if (entries.put(e.getName(), data) != null) {
                            throw new ProvisioningException("bundle entry " + e.getName() + " appears twice");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new ProvisioningException("bundle is not a readable zip: " + e.getMessage());
        }
        if (index == null || sig == null) {
            throw new ProvisioningException("bundle is not signed (bundle.index or bundle.p7s missing)");
        }
        try {
            CMSSignedData signed = new CMSSignedData(new CMSProcessableByteArray(index), sig);
            SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            var match = signed.getCertificates().getMatches(si.getSID());
            X509Certificate signer = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) match.iterator().next());
            if (!trustedCas.contains(signer)) {
                throw new ProvisioningException("bundle signed by " + signer.getSubjectX500Principal() + ", not by the given agency CA");
            }
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                throw new ProvisioningException("bundle signature does not verify: it was tampered with");
            }
        } catch (ProvisioningException e) {
            throw e;
        } catch (Exception e) {
            throw new ProvisioningException("bundle signature does not verify: " + e.getMessage());
        }
        if (!BundleCommands.index(entries).equals(new String(index, StandardCharsets.UTF_8))) {
            throw new ProvisioningException("bundle contents do not match its signed index: it was tampered with");
        }
        if (!entries.containsKey("agent.toml")) {
            throw new ProvisioningException("bundle has no agent.toml");
        }
        return entries;
    }

    /**
     * Writes beside the target, then swaps directories: a failure leaves the old configuration as it
     * was. Files the previous bundle did not bring (the dock's key from {@code enroll}) are carried
     * over; a key among them is given to the agent's user, mode 0600. The bundle's index stays in
     * the root as the record of which files the next bundle may replace.
     */
    static void install(Map<String, byte[]> entries, byte[] index, Path root) throws ProvisioningException {
        Path target = root.toAbsolutePath().normalize();
        Path fresh = target.resolveSibling(target.getFileName() + ".new");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            FileTrees.delete(fresh);
            Files.createDirectories(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            for (var e : entries.entrySet()) {
                Path f = fresh.resolve(e.getKey()).normalize();
                if (!f.startsWith(fresh)) {
                    throw new ProvisioningException("bundle entry " + e.getKey() + " points outside the install root");
                }
                Files.createDirectories(f.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
                Files.write(f, e.getValue());
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(e.getKey().equals("agent.toml") ? "rw-r-----" : "rw-r--r--"));
            }
            Files.write(fresh.resolve(INSTALLED_INDEX), index);
            giveToAgent(fresh);
            for (Path kept : carryOver(target, entries, fresh)) {
                ownKey(kept);
            }
            FileTrees.delete(old);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(old);
        } catch (IOException e) {
            throw new ProvisioningException("cannot install into " + target + ": " + e.getMessage());
        }
    }

    /** Where the installed bundle's index is kept. */
    static final String INSTALLED_INDEX = "bundle.index";

    /** Copies every regular file of the old root that no bundle owns (not in the new bundle, not in the last one's index). */
    private static List<Path> carryOver(Path target, Map<String, byte[]> entries, Path fresh) throws IOException, ProvisioningException {
        List<Path> kept = new java.util.ArrayList<>();
        if (!Files.isDirectory(target)) {
            return kept;
        }
        java.util.Set<String> owned = new java.util.HashSet<>(entries.keySet());
        owned.add(INSTALLED_INDEX);
        Path lastIndex = target.resolve(INSTALLED_INDEX);
        if (Files.isRegularFile(lastIndex)) {
            try {
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllBytes(lastIndex)).path("entries")
                        .fieldNames().forEachRemaining(owned::add);
            } catch (IOException | RuntimeException e) {
                throw new ProvisioningException(lastIndex + ": unreadable index of the installed bundle: " + e.getMessage());
            }
        }
        try (var files = Files.walk(target)) {
            for (Path p : files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                String name = target.relativize(p).toString();
                if (owned.contains(name)) {
                    continue;
                }
                Path dst = fresh.resolve(name);
                Files.createDirectories(dst.getParent());
                Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                kept.add(dst);
            }
        }
        return kept;
    }

    /** A key carried over: the agent's user owns it and nobody else may read it. */
    private static void ownKey(Path p) throws IOException {
        if (!p.getFileName().toString().endsWith(".key")) {
            return;
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        try {
            var view = Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName("bwcdock"));
            view.setGroup(users.lookupPrincipalByGroupName("bwcdock"));
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            // not a dock: the key stays with whoever ran enroll
        }
    }

    /** As root on a dock: the files belong to root with group bwcdock, so the agent can read but not change them. */
    private static void giveToAgent(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        java.nio.file.attribute.GroupPrincipal group;
        try {
            group = users.lookupPrincipalByGroupName("bwcdock");
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            return; // not a dock (a workstation, a test): leave ownership alone
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
            }
        }
    }
}
