package org.bwcdock.agent.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bwcdock.format.CommandSignatures;
import org.bwcdock.format.SafeText;

import java.io.IOException;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a command strictly (size, JSON, fields and types, unknown fields rejected, then
 * freshness and replay) and runs it through the {@link CommandHandler}; returns the reply. A
 * command that fails validation never reaches the handler.
 */
final class Commands {
    static final int MAX_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandHandler handler;
    private final Set<Integer> bays;
    private final CommandGate gate;
    private final String dockId;
    private final MqttSettings.CommandTrust trust;

    Commands(CommandHandler handler, Set<Integer> bays, Clock clock, Duration skew, String dockId, MqttSettings.CommandTrust trust) {
        this.handler = handler;
        this.bays = Set.copyOf(bays);
        this.gate = new CommandGate(clock, skew);
        this.dockId = dockId;
        this.trust = trust;
    }

    /**
     * Runs the command; the reply JSON either way.
     *
     * @param correlation the MQTT correlation data: a command runs at most once per value
     */
    String execute(String name, byte[] payload, byte[] correlation) {
        try {
            Command c = parse(name, payload, correlation);
            c.run(handler);
            return JSON.createObjectNode().put("ok", true).put("command", name).toString();
        } catch (CommandFields.Invalid e) {
            return error(name, e.code, e.getMessage());
        } catch (CommandException e) {
            return error(name, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            return error(name, "failed", "the dock could not carry out " + name + ": " + SafeText.escape(e.getMessage()));
        }
    }

    static String error(String name, String code, String message) {
        ObjectNode r = JSON.createObjectNode().put("ok", false).put("command", SafeText.escape(name));
        r.putObject("error").put("code", code).put("message", message);
        return r.toString();
    }

    /** The signature covers every field, the command's name and this dock's id, and comes from the back office. */
    private void verify(String name, CommandFields f, String signature) throws CommandFields.Invalid {
        byte[] cms;
        try {
            cms = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new CommandFields.Invalid("bad-signature", "signature is not base64");
        }
        try {
            CommandSignatures.verify(CommandSignatures.content(dockId, name, f.values()), cms, trust.agencyCas(), trust.crl());
        } catch (SignatureException e) {
            throw new CommandFields.Invalid("bad-signature", SafeText.escape(e.getMessage()));
        }
    }

    private Command parse(String name, byte[] payload, byte[] correlation) throws CommandFields.Invalid {
        Command.Parser parser = Command.PARSERS.get(name);
        if (parser == null) {
            throw new CommandFields.Invalid("unknown-command", "unknown command \"" + SafeText.escape(name) + "\" (known: "
                    + String.join(", ", new TreeSet<>(Command.PARSERS.keySet())) + ")");
        }
        if (payload.length > MAX_BYTES) {
            throw new CommandFields.Invalid("too-large", "payload of " + payload.length + " bytes is over the limit of " + MAX_BYTES);
        }
        JsonNode body;
        try {
            body = payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CommandFields.Invalid("bad-json", "payload is not JSON: " + SafeText.escape(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new CommandFields.Invalid("bad-json", "payload is not JSON: " + SafeText.escape(e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            throw new CommandFields.Invalid("bad-json", "payload must be a JSON object");
        }
        CommandFields f = new CommandFields(body, bays);
        Command c = parser.parse(f);
        f.noOthers(name, "issuedAt", "expiresAt", CommandSignatures.FIELD);
        Optional<String> signature = f.optionalText(CommandSignatures.FIELD);
        if (c.canCauseLoss() && signature.isEmpty()) {
            throw new CommandFields.Invalid("signature-required", name + " as sent can cause loss of evidence or of its attribution: "
                    + "it must be signed by a back-office certificate (field \"signature\", docs/mqtt-api.yaml)");
        }
        if (signature.isPresent()) {
            verify(name, f, signature.get());
        }
        gate.admit(f.instant("issuedAt"), f.instant("expiresAt"), HexFormat.of().formatHex(correlation));
        return c;
    }
}
