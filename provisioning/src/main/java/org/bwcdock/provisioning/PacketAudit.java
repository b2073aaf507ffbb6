package org.bwcdock.provisioning;

import org.bwcdock.format.AuditCheckpoint;
import org.bwcdock.format.AuditRows;
import org.bwcdock.format.FormatException;
import org.bwcdock.format.Manifest;
import org.bwcdock.format.SafeText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The audit rows about one evidence file for its court packet: cut from the dock's export
 * ({@code bwcdock-agent audit export}), from the file's first row to the export's end, and held
 * against the newest checkpoint the dock signed and the receiver kept. The rows about the file and
 * its camera are shown; every other row shows only its fields' hash (other cases stay private), so
 * that the chain still links, row by row, to the signed checkpoint.
 */
final class PacketAudit {
    /** What goes into the packet's {@code audit/}. */
    record Extract(List<AuditRows.Row> rows, byte[] checkpointJson, byte[] checkpointSignature, AuditCheckpoint checkpoint) {
        byte[] rowsTsv() {
            return AuditRows.format(rows);
        }

        long shown() {
            return rows.stream().filter(AuditRows.Row::isShown).count();
        }
    }

    private PacketAudit() {
    }

    static Extract cut(byte[] export, Manifest m, Path store, List<X509Certificate> agencyCas) throws ProvisioningException {
        List<AuditRows.Row> rows;
        try {
            rows = AuditRows.parse(export);
        } catch (FormatException e) {
            throw new ProvisioningException("--audit: " + e.getMessage());
        }
        if (rows.stream().anyMatch(r -> !r.isShown())) {
            throw new ProvisioningException("--audit: not a dock's export (it hides rows); give the file 'bwcdock-agent audit export' wrote");
        }
        String problem = AuditRows.problem(rows);
        if (problem != null) {
            throw new ProvisioningException("--audit: the chain is broken: " + problem);
        }
        String fileSubject = SafeText.escape(m.cameraId() + ":" + m.file().path());
        String cameraSubject = SafeText.escape(m.cameraId());
        int first = -1;
        int anchor = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (first < 0 && rows.get(i).subject().equals(fileSubject)) {
                first = i;
            }
            if (rows.get(i).hash().equals(m.auditHead())) {
                anchor = i;
            }
        }
        if (anchor < 0 || first < 0 || first > anchor) {
            throw new ProvisioningException("--audit: the export does not hold the rows of camera " + cameraSubject + " file "
                    + SafeText.escape(m.file().path()) + " up to the row the manifest names (auditHead " + m.auditHead()
                    + "): export from an earlier row (--from)");
        }
        byte[][] kept = newestCheckpoint(store, m.dockId());
        AuditCheckpoint cp;
        try {
            cp = AuditCheckpoint.verify(kept[0], kept[1], agencyCas);
        } catch (FormatException | SignatureException e) {
            throw new ProvisioningException("the dock's newest audit checkpoint in the store cannot be trusted: " + e.getMessage());
        }
        if (!cp.dockId().equals(m.dockId())) {
            throw new ProvisioningException("the audit checkpoint is signed by dock " + cp.dockId() + ", not " + m.dockId());
        }
        long lastSeq = rows.get(rows.size() - 1).seq();
        if (cp.seq() > lastSeq) {
            throw new ProvisioningException("--audit: the export ends at row " + lastSeq + " but dock " + m.dockId()
                    + " has signed rows up to " + cp.seq() + ": export its audit rows again");
        }
        if (cp.seq() < rows.get(anchor).seq()) {
            throw new ProvisioningException("the newest audit checkpoint of dock " + m.dockId() + " (row " + cp.seq()
                    + ") does not yet cover this file's ingest (row " + rows.get(anchor).seq() + "); wait for the next one");
        }
        AuditRows.Row signed = rows.get((int) (cp.seq() - rows.get(0).seq()));
        if (!signed.hash().equals(cp.head())) {
            throw new ProvisioningException("--audit: row " + cp.seq() + " does not have the hash the dock signed in its "
                    + "checkpoint: the export is not the dock's chain (rewritten)");
        }
        List<AuditRows.Row> out = new ArrayList<>();
        for (AuditRows.Row r : rows.subList(first, rows.size())) {
            boolean about = r.subject().equals(fileSubject) || r.subject().equals(cameraSubject);
            out.add(about ? r : r.hidden());
        }
        return new Extract(List.copyOf(out), kept[0], kept[1], cp);
    }

    /** {@code checkpoints/<dockId>/<seq>.json} and {@code .p7s}, as the receiver keeps them: the highest seq with both. */
    private static byte[][] newestCheckpoint(Path store, String dockId) throws ProvisioningException {
        Path dir = store.resolve("checkpoints").resolve(dockId);
        if (!dockId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ProvisioningException(dir + ": the store keeps no signed audit checkpoint of dock " + SafeText.escape(dockId));
        }
        OptionalLong newest;
        try (Stream<Path> s = Files.list(dir)) {
            newest = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]{1,18}\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 5)))
                    .filter(seq -> Files.isRegularFile(dir.resolve(seq + ".p7s"), LinkOption.NOFOLLOW_LINKS)).max();
        } catch (IOException e) {
            throw new ProvisioningException(dir + ": " + e.getMessage());
        }
        if (newest.isEmpty()) {
            throw new ProvisioningException(dir + ": no complete signed audit checkpoint");
        }
        try {
            return new byte[][] {Files.readAllBytes(dir.resolve(newest.getAsLong() + ".json")),
                    Files.readAllBytes(dir.resolve(newest.getAsLong() + ".p7s"))};
        } catch (IOException e) {
            throw new ProvisioningException(dir + ": " + e.getMessage());
        }
    }
}
