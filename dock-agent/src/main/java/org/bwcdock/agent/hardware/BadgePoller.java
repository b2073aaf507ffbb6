package org.bwcdock.agent.hardware;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Polls the MFRC522 on {@code bwcdock-badge-reader}. A card that stays on the reader answers every
 * poll; it counts as one tap until it has been away for {@link #ABSENT_POLLS} polls in a row.
 */
final class BadgePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BadgePoller.class);
    static final int ABSENT_POLLS = 3;

    private final Mfrc522 chip;
    private final Consumer<String> onTap;
    private final Ticker ticker;
    private boolean initialised;
    private boolean failing;
    private byte[] present;
    private int absent;

    BadgePoller(Mfrc522 chip, Duration interval, Consumer<String> onTap) {
        this.chip = chip;
        this.onTap = onTap;
        this.ticker = new Ticker("bwcdock-badge-reader", interval, this::poll);
    }

    private void poll() {
        Optional<byte[]> uid;
        try {
            if (!initialised) {
                int version = chip.init();
                if (version == 0x00 || version == 0xFF) {
                    throw new IllegalStateException("no MFRC522 answers (VersionReg 0x" + Integer.toHexString(version) + ")");
                }
                initialised = true;
                log.info("badge reader {} ready (MFRC522 version 0x{})", chip.where(), Integer.toHexString(version));
            }
            uid = chip.readUid();
            if (failing) {
                failing = false;
                log.info("badge reader {} answers again", chip.where());
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("badge reader {}: {}", chip.where(), e.toString());
            }
            initialised = false; // re-initialise once it answers: it may have lost power
            return;
        }
        if (uid.isEmpty()) {
            if (present != null && ++absent >= ABSENT_POLLS) {
                present = null;
            }
            return;
        }
        absent = 0;
        if (present != null && Arrays.equals(present, uid.get())) {
            return;
        }
        present = uid.get();
        onTap.accept(HexFormat.of().withUpperCase().formatHex(present));
    }

    @Override
    public void close() {
        ticker.close();
    }
}
