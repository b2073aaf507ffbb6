package org.bwcdock.agent.custody;

import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JceGenericKey;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM through SunJCE (CPU AES instructions) presented to Bouncy Castle's CMS generator.
 * BC's own JCE builder cannot use SunJCE for GCM, and BC's pure-Java GCM is ~100x slower.
 *
 * <p>A fresh random key and 96-bit nonce per instance: one instance per part, never reused.
 * SunJCE appends the 16-byte tag to the last output; CMS wants it separately ({@link #getMAC()}),
 * so the final block is split.
 */
final class GcmEncryptor implements OutputAEADEncryptor {
    static final int TAG_BYTES = 16;

    private final Cipher cipher;
    private final AlgorithmIdentifier algorithm;
    private final SecretKeySpec key;
    private byte[] mac;

    GcmEncryptor(SecureRandom random) throws GeneralSecurityException {
        byte[] keyBytes = new byte[32];
        byte[] nonce = new byte[12];
        random.nextBytes(keyBytes);
        random.nextBytes(nonce);
        key = new SecretKeySpec(keyBytes, "AES");
        Arrays.fill(keyBytes, (byte) 0);
        cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        algorithm = new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes256_GCM, new GCMParameters(nonce, TAG_BYTES));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public GenericKey getKey() {
        return new JceGenericKey(algorithm, key);
    }

    @Override
    public OutputStream getAADStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                cipher.updateAAD(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                cipher.updateAAD(b, off, len);
            }
        };
    }

    @Override
    public byte[] getMAC() {
        if (mac == null) {
            throw new IllegalStateException("the tag exists only after the content stream is closed");
        }
        return mac.clone();
    }

    @Override
    public OutputStream getOutputStream(OutputStream out) {
        return new OutputStream() {
            /** Reused for every update: no allocation per chunk. Sized for one update ({@link CmsIngestor#UPDATE}) + a block. */
            private final byte[] buffer = new byte[CmsIngestor.UPDATE + 32];
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    for (int done = 0; done < len; done += CmsIngestor.UPDATE) {
                        int n = cipher.update(b, off + done, Math.min(CmsIngestor.UPDATE, len - done), buffer, 0);
                        out.write(buffer, 0, n);
                    }
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM encryption failed: " + e.getMessage(), e);
                }
            }

            /** Finishes the cipher; does NOT close {@code out}: the CMS generator closes its own layers. */
            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    byte[] last = cipher.doFinal();
                    int body = last.length - TAG_BYTES;
                    out.write(last, 0, body);
                    mac = Arrays.copyOfRange(last, body, last.length);
                } catch (GeneralSecurityException e) {
                    throw new IOException("AES-GCM encryption failed at the final block: " + e.getMessage(), e);
                }
            }
        };
    }
}
