package org.bwcdock.format;

import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SignatureException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commit request, the receipt and the manifest signature: each written by one side and read by the other. */
@Timeout(30)
class ContractsTest {
    private static final String H = "cd".repeat(32);

    @Test
    void commitRequestRoundTrips() throws Exception {
        CommitRequest c = new CommitRequest(new byte[] {1, 2}, new byte[] {3}, List.of("/files/a", "/files/b"));
        CommitRequest back = CommitRequest.decode(c.encode());
        assertArrayEquals(new byte[] {1, 2}, back.manifest());
        assertArrayEquals(new byte[] {3}, back.signature());
        assertEquals(List.of("/files/a", "/files/b"), back.partUploads());
    }

    @Test
    void malformedCommitRequestsAreNamed() {
        assertEquals("commit: manifest is missing", decodeCommit("{\"signature\":\"AA==\",\"parts\":[]}"));
        assertEquals("commit: manifest is not base64", decodeCommit("{\"manifest\":\"%%\",\"signature\":\"AA==\",\"parts\":[]}"));
        assertEquals("commit: parts must be an array", decodeCommit("{\"manifest\":\"AA==\",\"signature\":\"AA==\",\"parts\":\"x\"}"));
        assertEquals("commit: parts[1] must be a string", decodeCommit("{\"manifest\":\"AA==\",\"signature\":\"AA==\",\"parts\":[\"a\",2]}"));
    }

    private static String decodeCommit(String json) {
        return assertThrows(FormatException.class, () -> CommitRequest.decode(json.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    @Test
    void receiptSignedByTheReceiverVerifiesAtTheDock(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(dir);
        ThrowawayPki.Leaf signer = pki.issue("receipts", ThrowawayPki.Kind.EC, ThrowawayPki.Use.SIGNER);
        byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
        Receipt r = new Receipt("e1", "dock-01", "BWC-1", "DCIM/A.MP4", H, org.bwcdock.format.pki.Digests.sha256Hex(manifest),
                List.of(H), "2026-12-01T10:00:00Z");
        byte[] der = Receipts.sign(r, signer.key(), signer.certificate());
        Receipt back = Receipts.verify(der, List.of(signer.certificate()));
        assertEquals(r, back);
        Receipts.check(back, manifest, H, List.of(H));
        BadReceiptException e = assertThrows(BadReceiptException.class, () -> Receipts.check(back, manifest, H, List.of(H, H)));
        assertTrue(e.getMessage().startsWith("receipt part hashes"), e.getMessage());
    }

    @Test
    void manifestSignatureCoversExactlyTheBytes(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(dir);
        ThrowawayPki.Leaf dock = pki.issue("dock-01", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        byte[] manifest = ManifestTest.sample().encode();
        byte[] sig = ManifestSignatures.sign(manifest, dock.key(), pki.chain(dock));
        assertEquals(dock.certificate(), ManifestSignatures.verify(manifest, sig, List.of(pki.ca)));
        manifest[10] ^= 1;
        SignatureException e = assertThrows(SignatureException.class, () -> ManifestSignatures.verify(manifest, sig, List.of(pki.ca)));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }
}
