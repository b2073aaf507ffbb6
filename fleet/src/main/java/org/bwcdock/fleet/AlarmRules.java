package org.bwcdock.fleet;

import java.time.Duration;

/**
 * When the fleet view raises an alarm. The dashboard applies the same rules (fleet-model.js); its
 * thresholds come from config.json, these from the report's options.
 *
 * @param spoolPercent a dock's spool above this share of its quota
 * @param undocked a camera out of every dock for longer than this
 * @param unreceipted a file on a dock without a receipt for longer than this
 */
public record AlarmRules(int spoolPercent, Duration undocked, Duration unreceipted) {
    public static final AlarmRules DEFAULT = new AlarmRules(80, Duration.ofHours(24), Duration.ofHours(2));

    public AlarmRules {
        if (spoolPercent < 1 || spoolPercent > 100) {
            throw new IllegalArgumentException("spool alarm: a percentage from 1 to 100, not " + spoolPercent);
        }
        if (undocked.isNegative() || undocked.isZero()) {
            throw new IllegalArgumentException("undocked alarm: a positive duration, not " + undocked);
        }
        if (unreceipted.isNegative() || unreceipted.isZero()) {
            throw new IllegalArgumentException("unreceipted alarm: a positive duration, not " + unreceipted);
        }
    }
}
