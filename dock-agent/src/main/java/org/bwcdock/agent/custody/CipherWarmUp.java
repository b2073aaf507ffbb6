package org.bwcdock.agent.custody;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Runs AES-GCM on throwaway data at start-up so the JIT compiles SunJCE's GCM loop with its CPU
 * intrinsic before the first camera arrives. Until then GCM runs a generic path at about a tenth
 * of the speed, and with 64 KiB updates a cold JVM needs over a GiB of footage to leave it
 * (measured: 1.7 GB/s cold, 11-21 GB/s warm on the CI machine; docs/performance.md). TLS record
 * encryption of uploads goes through the same SunJCE code and gains too.
 */
final class CipherWarmUp {
    private static final Logger log = LoggerFactory.getLogger(CipherWarmUp.class);
    /** Enough calls for the C2 compiler's invocation thresholds; each above GCM's bulk threshold. */
    private static final int UPDATES = 8_000;
    private static final int UPDATE_BYTES = 8 * 1024;

    private CipherWarmUp() {
    }

    /** Starts the warm-up on its own thread; the caller owns it (interrupt and join on close). */
    static Thread start() {
        Thread t = new Thread(CipherWarmUp::run, "bwcdock-cipher-warmup");
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    private static void run() {
        long t0 = System.nanoTime();
        try {
            // An all-zero key and nonce: the output is thrown away, nothing is protected with it.
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
            byte[] in = new byte[UPDATE_BYTES];
            byte[] out = new byte[UPDATE_BYTES + 16];
            for (int i = 0; i < UPDATES && !Thread.currentThread().isInterrupted(); i++) {
                c.update(in, 0, in.length, out, 0);
            }
            log.debug("AES-GCM warm-up: {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (GeneralSecurityException e) {
            log.warn("AES-GCM warm-up failed (ingest still works, slower at first): {}", e.getMessage());
        }
    }
}
