package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.EventClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A camera id is bound to the USB identity it was first seen with; an impostor inherits nothing. */
@Timeout(30)
class CameraIdentityTest {
    @TempDir
    Path dir;
    Ledger ledger;

    @BeforeEach
    void open() {
        ledger = Ledgers.open(dir.resolve("ledger.db"), Clock.systemUTC());
        ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "SER1", false));
        ledger.setLegalHold("BWC-1", true, "test");
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void theSameCameraAgainIsWelcome() {
        ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "SER1", false));
        assertEquals("SER1", ledger.camera("BWC-1").orElseThrow().usbSerial());
        assertTrue(ledger.camera("BWC-1").orElseThrow().legalHold(), "seeing the camera again keeps its hold");
    }

    @Test
    void anotherSerialClaimingAKnownIdIsRefusedAuditedAndReported() {
        CameraIdentityException e = assertThrows(CameraIdentityException.class,
                () -> ledger.recordCamera(new CameraRecord("BWC-1", "2a3b:0001", "SER-EVIL", false)));
        assertEquals("camera id BWC-1 is bound to USB 2a3b:0001 serial SER1, but this camera is USB 2a3b:0001 serial SER-EVIL",
                e.getMessage());
        CameraRecord kept = ledger.camera("BWC-1").orElseThrow();
        assertEquals("SER1", kept.usbSerial(), "the binding stays with the first camera");
        assertTrue(kept.legalHold());
        assertTrue(ledger.pendingEvents(100).stream().anyMatch(ev -> ev.type().equals("camera-identity-mismatch")
                && ev.eventClass() == EventClass.EVIDENCE && ev.payloadJson().contains("SER-EVIL")), "an evidence event says so");
        assertTrue(ledger.verifyAudit().ok(), "the refusal is in the audit chain");
    }

    @Test
    void anotherModelClaimingAKnownIdIsRefused() {
        assertThrows(CameraIdentityException.class, () -> ledger.recordCamera(new CameraRecord("BWC-1", "dead:beef", "SER1", false)));
    }
}
