package org.bwcdock.agent.telemetry;

import java.util.Optional;

/**
 * What the back office may ask of the dock. Implemented by the composition root; every method
 * either does what it says or throws {@link CommandException} and changes nothing.
 */
public interface CommandHandler {
    void assign(String cameraId, String officerId) throws CommandException;

    void unassign(String cameraId) throws CommandException;

    void locate(int bay, int seconds) throws CommandException;

    void pauseUploads();

    void resumeUploads();

    void bandwidth(long bytesPerSecond);

    void rescan();

    void hold(String cameraId, boolean hold) throws CommandException;

    /** Uploads this camera's evidence (or only its file at {@code path}) before unflagged evidence, from now on. */
    void prioritise(String cameraId, Optional<String> path) throws CommandException;
}
