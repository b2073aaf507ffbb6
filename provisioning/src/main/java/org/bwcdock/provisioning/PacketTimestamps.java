package org.bwcdock.provisioning;

import org.bwcdock.format.tsa.TimestampException;
import org.bwcdock.format.tsa.TimestampTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The RFC 3161 tokens of one stored evidence file, for its court packet: {@code manifest.tsr} on the
 * dock's signature and {@code receipt.tsr} on the receipt, each checked against the TSA's CA before
 * it goes in. A token the store does not hold is reported as missing (the TSA was down and the
 * token has not been attached yet), never invented.
 */
record PacketTimestamps(Optional<byte[]> manifestToken, Optional<Instant> manifestTime, Optional<byte[]> receiptToken,
                        Optional<Instant> receiptTime, Optional<X509Certificate> tsa, Optional<X509Certificate> tsaCa) {

    static PacketTimestamps read(Path evidenceDir, byte[] signature, byte[] receipt, List<X509Certificate> tsaCas)
            throws ProvisioningException {
        Optional<byte[]> m = optional(evidenceDir.resolve("manifest.tsr"));
        Optional<byte[]> r = optional(evidenceDir.resolve("receipt.tsr"));
        if ((m.isPresent() || r.isPresent()) && tsaCas.isEmpty()) {
            throw new ProvisioningException(evidenceDir + " holds RFC 3161 timestamps: give the time-stamping authority's CA "
                    + "certificate with --tsa-ca so they can be checked and put in the packet");
        }
        Optional<TimestampTokens.Stamp> ms = m.isPresent() ? Optional.of(check(m.get(), signature, tsaCas, "manifest.tsr")) : Optional.empty();
        Optional<TimestampTokens.Stamp> rs = r.isPresent() ? Optional.of(check(r.get(), receipt, tsaCas, "receipt.tsr")) : Optional.empty();
        Optional<X509Certificate> tsa = ms.or(() -> rs).map(TimestampTokens.Stamp::tsa);
        if (ms.isPresent() && rs.isPresent() && !ms.get().tsa().equals(rs.get().tsa())) {
            throw new ProvisioningException(evidenceDir + ": manifest.tsr and receipt.tsr are signed by different TSA certificates; "
                    + "this packet format carries one (certs/tsa.pem)");
        }
        Optional<X509Certificate> ca = tsa.flatMap(t -> tsaCas.stream().filter(c -> c.getSubjectX500Principal().equals(t.getIssuerX500Principal()))
                .findFirst());
        if (tsa.isPresent() && ca.isEmpty()) {
            throw new ProvisioningException("the TSA certificate is not issued directly by a --tsa-ca certificate; "
                    + "give the CA that issued " + tsa.get().getSubjectX500Principal().getName());
        }
        return new PacketTimestamps(m, ms.map(TimestampTokens.Stamp::time), r, rs.map(TimestampTokens.Stamp::time), tsa, ca);
    }

    private static TimestampTokens.Stamp check(byte[] token, byte[] data, List<X509Certificate> cas, String name)
            throws ProvisioningException {
        try {
            return TimestampTokens.verify(token, data, cas, Optional.empty());
        } catch (TimestampException e) {
            throw new ProvisioningException(name + ": " + e.getMessage());
        }
    }

    private static Optional<byte[]> optional(Path f) throws ProvisioningException {
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new ProvisioningException(f + ": not a regular file in the evidence store");
        }
        try {
            return Optional.of(Files.readAllBytes(f));
        } catch (IOException e) {
            throw new ProvisioningException(f + ": " + e.getMessage());
        }
    }

    /** "yes" or "no", for VERIFY.sh: which tokens the packet was made with (a deleted one is then caught). */
    String has(Optional<byte[]> token) {
        return token.isPresent() ? "yes" : "no";
    }

    String when(Optional<Instant> t) {
        return t.map(Instant::toString).orElse("missing");
    }
}
