package org.bwcdock.agent.hardware;

/**
 * What a bay's three LEDs show. Each value names its LED pattern; blinking ones alternate every
 * blink interval (default 400 ms).
 *
 * <p>The light is never set directly: it is {@link #lightFor(BaySituation)} of the bay's situation,
 * which the ledger and the dock determine.
 */
public enum BayLight {
    /** Empty bay: all off. */
    OFF(false, false, false, false),
    /** Footage still being read or uploaded: do not take. Amber. */
    WORKING(false, true, false, false),
    /** Evidence secured, battery still charging: may be taken, better not yet. Green + amber. */
    CHARGING(true, true, false, false),
    /** Evidence secured and charged (or the level is unknown): safe to take. Green. */
    SAFE(true, false, false, false),
    /** A badge tap picked this camera, or a locate command: take this one. Green blinking. */
    LOCATE(true, false, false, true),
    /**
     * Evidence secured, but the camera would not let some files be read (refused): they are left on
     * it, reported; give it to IT. Amber blinking.
     */
    FILES_LEFT(false, true, false, true),
    /** Something went wrong with this camera's evidence (failed, quarantined): call IT. Red. */
    ERROR(false, false, true, false),
    /** The bay's port holds a device that is not a camera (bay-port lockdown): remove it, call IT. Red blinking. */
    LOCKED(false, false, true, true),
    /** A badge tap was refused (no eligible camera, unknown badge): red + amber blinking, a few seconds, all bays. */
    REFUSED(false, true, true, true);

    private final boolean green;
    private final boolean amber;
    private final boolean red;
    private final boolean blinks;

    BayLight(boolean green, boolean amber, boolean red, boolean blinks) {
        this.green = green;
        this.amber = amber;
        this.red = red;
        this.blinks = blinks;
    }

    /**
     * The light for a situation. Precedence, highest first: a refused tap (short feedback to the
     * person at the reader) › a locked bay port › empty bay › locate or pending pickup › error › work to do ›
     * files left on the camera › charging › safe. An unknown battery level does not hold back green: the light is about
     * evidence first, and a missing gauge must not make every bay look busy.
     */
    public static BayLight lightFor(BaySituation s) {
        if (s.tapRefused()) {
            return REFUSED;
        }
        if (s.portLocked()) {
            return LOCKED;
        }
        if (!s.docked()) {
            return OFF;
        }
        if (s.locate() || s.pendingPickupOfficer().isPresent()) {
            return LOCATE;
        }
        if (s.filesInError() > 0) {
            return ERROR;
        }
        if (s.filesInProgress() > 0) {
            return WORKING;
        }
        if (s.filesRefused() > 0) {
            return FILES_LEFT;
        }
        return s.battery().status() == ChargeStatus.CHARGING ? CHARGING : SAFE;
    }

    public boolean blinks() {
        return blinks;
    }

    /** LED levels in blink phase {@code on} (steady lights ignore the phase). */
    boolean green(boolean on) {
        return green && (on || !blinks);
    }

    boolean amber(boolean on) {
        return amber && (on || !blinks);
    }

    boolean red(boolean on) {
        return red && (on || !blinks);
    }
}
