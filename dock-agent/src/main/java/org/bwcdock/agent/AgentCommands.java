package org.bwcdock.agent;

import org.bwcdock.agent.hardware.DockHardware;
import org.bwcdock.agent.ledger.Ledger;
import org.bwcdock.agent.telemetry.CommandException;
import org.bwcdock.agent.telemetry.CommandHandler;
import org.bwcdock.agent.upload.Uploader;
import org.bwcdock.agent.usb.CameraWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Supplier;

/** The back office's commands, carried out on the dock's parts; each audited by the ledger it touches. */
final class AgentCommands implements CommandHandler {
    private static final Logger log = LoggerFactory.getLogger(AgentCommands.class);

    private final Ledger ledger;
    private final Supplier<Optional<Uploader>> uploader;
    private final Supplier<CameraWatcher> watcher;
    private final Supplier<DockHardware> hardware;

    AgentCommands(Ledger ledger, Supplier<Optional<Uploader>> uploader, Supplier<CameraWatcher> watcher,
                  Supplier<DockHardware> hardware) {
        this.ledger = ledger;
        this.uploader = uploader;
        this.watcher = watcher;
        this.hardware = hardware;
    }

    private void known(String cameraId) throws CommandException {
        if (ledger.camera(cameraId).isEmpty()) {
            throw new CommandException("unknown-camera", "camera " + cameraId + " has never been docked here");
        }
    }

    @Override
    public void assign(String cameraId, String officerId) throws CommandException {
        known(cameraId);
        ledger.assign(cameraId, officerId, "mqtt");
    }

    @Override
    public void unassign(String cameraId) throws CommandException {
        known(cameraId);
        ledger.unassign(cameraId, "mqtt");
    }

    @Override
    public void locate(int bay, int seconds) {
        ledger.audit("mqtt", "locate", "bay " + bay, seconds + " s");
        DockHardware h = hardware.get();
        if (h != null) {
            h.indicators().locate(bay, java.time.Duration.ofSeconds(seconds));
        }
        log.info("locate: bay {} blinks for {} s", bay, seconds);
    }

    @Override
    public void pauseUploads() {
        uploader.get().ifPresent(Uploader::pause);
        ledger.audit("mqtt", "uploads-paused", "uploads", "");
    }

    @Override
    public void resumeUploads() {
        uploader.get().ifPresent(Uploader::resume);
        ledger.audit("mqtt", "uploads-resumed", "uploads", "");
    }

    @Override
    public void bandwidth(long bytesPerSecond) {
        uploader.get().ifPresent(u -> u.bandwidth(bytesPerSecond));
        ledger.audit("mqtt", "bandwidth", "uploads", bytesPerSecond + " B/s");
    }

    @Override
    public void rescan() {
        watcher.get().rescan();
    }

    @Override
    public void prioritise(String cameraId, Optional<String> path) throws CommandException {
        known(cameraId);
        uploader.get().ifPresent(u -> u.prioritise(cameraId, path.orElse(null)));
        ledger.audit("mqtt", "prioritise", path.map(p -> cameraId + ":" + p).orElse(cameraId),
                path.isPresent() ? "this file uploads first" : "its evidence uploads first");
    }

    @Override
    public void hold(String cameraId, boolean hold) throws CommandException {
        known(cameraId);
        ledger.setLegalHold(cameraId, hold, "mqtt");
    }

}
