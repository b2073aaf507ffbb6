package org.bwcdock.agent.telemetry;

import java.util.Map;

/**
 * A command from the back office, checked and typed (docs/mqtt-api.yaml, {@code cmd/{name}}).
 * Adding a command is one record here, its entry in {@link #PARSERS}, and one method in
 * {@link CommandHandler}. Each record reads its own fields from the payload; a field it does not
 * read is refused as unknown.
 */
sealed interface Command {
    /** Carries the command out through the handler, which changes nothing if it refuses. */
    void run(CommandHandler h) throws CommandException;

    /** True for commands that can lead to evidence leaving a camera or an assignment being lost. */
    default boolean canCauseLoss() {
        return false;
    }

    /** Reads one command's fields from its payload. */
    interface Parser {
        Command parse(CommandFields f) throws CommandFields.Invalid;
    }

    Map<String, Parser> PARSERS = Map.of(
            "assign", f -> new Assign(f.id("cameraId"), f.id("officerId")),
            "unassign", f -> new Unassign(f.id("cameraId")),
            "locate", f -> new Locate(f.bay("bay"), (int) f.integer("seconds", 1, 600)),
            "pause", f -> new Pause(),
            "resume", f -> new Resume(),
            "bandwidth", f -> new Bandwidth(f.integer("bytesPerSecond", 0, 10_000_000_000L)),
            "rescan", f -> new Rescan(),
            "hold", f -> new Hold(f.id("cameraId"), f.bool("hold")),
            "prioritise", f -> new Prioritise(f.id("cameraId"), f.optionalText("path")));

    record Assign(String cameraId, String officerId) implements Command {
        public void run(CommandHandler h) throws CommandException {
            h.assign(cameraId, officerId);
        }
    }

    record Unassign(String cameraId) implements Command {
        public void run(CommandHandler h) throws CommandException {
            h.unassign(cameraId);
        }

        @Override
        public boolean canCauseLoss() {
            return true; // the footage recorded next would be attributed to nobody
        }
    }

    record Locate(int bay, int seconds) implements Command {
        public void run(CommandHandler h) throws CommandException {
            h.locate(bay, seconds);
        }
    }

    record Pause() implements Command {
        public void run(CommandHandler h) {
            h.pauseUploads();
        }
    }

    record Resume() implements Command {
        public void run(CommandHandler h) {
            h.resumeUploads();
        }
    }

    record Bandwidth(long bytesPerSecond) implements Command {
        public void run(CommandHandler h) {
            h.bandwidth(bytesPerSecond);
        }
    }

    record Rescan() implements Command {
        public void run(CommandHandler h) {
            h.rescan();
        }
    }

    /** This camera's evidence uploads before anyone else's (a camera needed in court, an incident). */
    /** One camera's evidence, or one file of it ({@code path} as on the camera), uploads before the rest. */
    record Prioritise(String cameraId, java.util.Optional<String> path) implements Command {
        public void run(CommandHandler h) throws CommandException {
            h.prioritise(cameraId, path);
        }
    }

    record Hold(String cameraId, boolean hold) implements Command {
        public void run(CommandHandler h) throws CommandException {
            h.hold(cameraId, hold);
        }

        @Override
        public boolean canCauseLoss() {
            return !hold; // lifting a legal hold lets the camera be wiped
        }
    }
}
