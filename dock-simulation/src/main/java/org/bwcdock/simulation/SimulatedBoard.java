package org.bwcdock.simulation;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProviderImpl;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Raspberry Pi with the dock's chips on it, for the sandbox and tests: Pi4J's mock plugin for the
 * LEDs, a register-level MFRC522 badge reader on SPI, and a register-level fuel gauge on I2C where
 * the agent opens one. The agent's real drivers talk to these chips through the same Pi4J
 * interfaces as on a dock. The agent receives this as the {@code Supplier<Context>} it uses for
 * {@code hardware = "simulated"}; the test or sandbox keeps it to put a badge on the reader or set
 * a gauge.
 *
 * <p>The chips are found by the ids the agent gives its devices ({@code badge-reader},
 * {@code bay<N>-gauge}); a gauge's chip is the config value in its description ({@code max17048}).
 */
public final class SimulatedBoard implements Supplier<Context> {
    private Context context;

    /** The board's Pi4J context, made on first use; the agent shuts it down when it closes. */
    @Override
    public synchronized Context get() {
        if (context == null) {
            context = Pi4J.newContextBuilder().noAutoDetect().add(new MockPlatform())
                    .add(MockDigitalOutputProvider.newInstance(), new SimulatedMfrc522.Provider(), new GaugeProvider())
                    .build();
        }
        return context;
    }

    /** Puts a card with this UID (hex; 4, 7 or 10 bytes) on the badge reader; it stays until {@link #removeBadge()}. */
    public void presentBadge(String uidHex) {
        reader().card(uidHex);
    }

    public void removeBadge() {
        reader().card(null);
    }

    /** What bay {@code bay}'s gauge reports from now on. */
    public void setGauge(int bay, double percent, double cellVolts) {
        gauge(bay).set(percent, cellVolts);
    }

    /** false: the bay's gauge stops answering (as if unplugged); true: it answers again. */
    public void gaugeAnswers(int bay, boolean answers) {
        gauge(bay).answering(answers);
    }

    /** The level of an LED output by BCM GPIO number; empty if no LED is on that pin. */
    public Optional<Boolean> led(int bcmGpio) {
        return context().registry().allByType(DigitalOutput.class).values().stream()
                .filter(o -> o.address() != null && o.address() == bcmGpio)
                .findFirst()
                .map(DigitalOutput::isHigh);
    }

    private synchronized Context context() {
        if (context == null) {
            throw new IllegalStateException("the agent has not started on this board yet");
        }
        return context;
    }

    private SimulatedMfrc522 reader() {
        if (!context().registry().exists("badge-reader")) {
            throw new IllegalStateException("no badge reader: the agent's [badges] map is empty");
        }
        return (SimulatedMfrc522) context().registry().get("badge-reader");
    }

    private SimulatedMax17048 gauge(int bay) {
        String id = "bay" + bay + "-gauge";
        if (!context().registry().exists(id)) {
            throw new IllegalArgumentException("bay " + bay + " has no battery gauge");
        }
        return (SimulatedMax17048) context().registry().get(id);
    }

    /** Creates the simulated chip the agent asks for (by config value in the description) where Pi4J would create a queue-backed mock. */
    private static final class GaugeProvider extends MockI2CProviderImpl {
        @Override
        public I2C create(I2CConfig config) {
            String chip = config.description() == null ? "" : config.description();
            I2C i2c = switch (chip) {
                case "max17048" -> new SimulatedMax17048(this, config);
                default -> throw new IllegalArgumentException("no simulated fuel gauge \"" + chip + "\"");
            };
            this.context.registry().add(i2c);
            return i2c;
        }
    }
}
