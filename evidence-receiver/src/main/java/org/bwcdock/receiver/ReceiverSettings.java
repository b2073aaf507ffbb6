package org.bwcdock.receiver;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * @param tlsChain the receiver's server certificate chain (PEM); its key in {@code tlsKey}
 * @param agencyCas CAs whose docks may upload (client certificates and manifest signers)
 * @param faults test hook; {@link Faults#NONE} in production
 */
public record ReceiverSettings(InetSocketAddress bind, Path store, Path tlsChain, Path tlsKey, Path agencyCas,
                               Path receiptCert, Path receiptKey, Duration uploadExpiry, long maxUploadBytes,
                               Faults faults) {
}
