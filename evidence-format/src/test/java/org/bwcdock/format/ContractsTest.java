package org.bwcdock.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The commit request: written by the dock, read by the receiver. Receipts and manifest signatures
 * need a PKI; they are tested with the provisioning CLI's certificates (provisioning TrustRolesTest).
 */
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
}
