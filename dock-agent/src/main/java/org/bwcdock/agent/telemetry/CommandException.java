package org.bwcdock.agent.telemetry;

/** A refused command: {@code code} is machine-readable (e.g. "unknown-camera"), the message says why. */
public final class CommandException extends Exception {
    private final String code;

    public CommandException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
