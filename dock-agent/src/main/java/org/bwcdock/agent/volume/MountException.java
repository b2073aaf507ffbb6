package org.bwcdock.agent.volume;

import java.io.IOException;

/** A mount or unmount that udisks2 refused or could not do, with the reason as a kind the caller can act on. */
public final class MountException extends IOException {
    /** Why: each maps one udisks2 / D-Bus answer (or the lack of one). */
    public enum Kind {
        /** polkit said no (org.freedesktop.UDisks2.Error.NotAuthorized*). */
        NOT_AUTHORIZED,
        /** The filesystem is in use (DeviceBusy). */
        BUSY,
        /** Already mounted, by us or someone else (AlreadyMounted). */
        ALREADY_MOUNTED,
        /** Not mounted (NotMounted). */
        NOT_MOUNTED,
        /** The block device is gone (camera pulled) or udisks2 does not know it. */
        NO_DEVICE,
        /** The device carries no filesystem udisks2 can mount. */
        NO_FILESYSTEM,
        /** udisks2 (or the system bus) gave no answer within the deadline. */
        TIMEOUT,
        /** Anything else udisks2 or the bus reported. */
        FAILED
    }

    private final Kind kind;

    public MountException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public MountException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
