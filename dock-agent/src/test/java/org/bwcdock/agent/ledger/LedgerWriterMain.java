package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.DockEvent;

import java.nio.file.Path;
import java.time.Clock;

/** Forked by {@link CrashSafetyTest}: writes forever, printing each write only after it was acknowledged. */
public final class LedgerWriterMain {
    private LedgerWriterMain() {
    }

    public static void main(String[] args) {
        try (Ledger ledger = Ledgers.open(Path.of(args[0]), Clock.systemUTC())) {
            ledger.recordCamera(new CameraRecord("BWC-K", "2a3b:0001", "K", false));
            for (int i = 0; i < 1_000_000; i++) {
                long id = ledger.discover("BWC-K", "DCIM/" + i + ".MP4", i, i);
                ledger.transition(id, FileState.DISCOVERED, FileState.INGESTING, null);
                OutboxEvent e = ledger.appendEvent(new DockEvent.CommandRejected("tick-" + i, "crash test"));
                System.out.println("ack " + id + " " + e.eventId());
                System.out.flush();
            }
        }
    }
}
