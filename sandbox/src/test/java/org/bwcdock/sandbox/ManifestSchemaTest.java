package org.bwcdock.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.bwcdock.agent.custody.CustodySettings;
import org.bwcdock.agent.custody.IngestListener;
import org.bwcdock.agent.custody.IngestRequest;
import org.bwcdock.agent.custody.IngestResult;
import org.bwcdock.agent.custody.IngestSource;
import org.bwcdock.agent.custody.Ingestor;
import org.bwcdock.agent.custody.Ingestors;
import org.bwcdock.agent.spool.Spool;
import org.bwcdock.agent.spool.Spools;
import org.bwcdock.agent.system.ClockSync;
import org.bwcdock.format.Manifest;
import org.bwcdock.testing.ThrowawayPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/manifest.schema.json describes what the dock really signs: a manifest from the real ingest validates, and is strict. */
@Timeout(60)
class ManifestSchemaTest {
    private static final Path SCHEMA = Path.of("..", "docs", "manifest.schema.json");

    @Test
    void theDocksManifestValidatesAgainstThePublishedSchema(@TempDir Path dir) throws Exception {
        ThrowawayPki pki = new ThrowawayPki(Files.createDirectories(dir.resolve("pki")));
        ThrowawayPki.Leaf dock = pki.issue("dock-schema", ThrowawayPki.Kind.EC, ThrowawayPki.Use.CLIENT);
        ThrowawayPki.Leaf recipient = pki.issue("evidence", ThrowawayPki.Kind.EC, ThrowawayPki.Use.RECIPIENT);
        byte[] data = new byte[3000];
        Manifest.ClockEvidence clock = new Manifest.ClockEvidence(ClockSync.kernel().read(),
                new Manifest.CameraClock("device-info", -4_000L, false, 120_000, false));
        byte[] manifest;
        try (Spool spool = Spools.open(dir.resolve("spool"), 1L << 30);
             Ingestor in = Ingestors.create(new CustodySettings("dock-schema", 1024, List.of(recipient.certificate()), dock.key(),
                     pki.chain(dock), "test", Duration.ofMinutes(1), Clock.systemUTC()), spool)) {
            IngestResult r = in.ingest(new IngestRequest(1, "BWC-S", 2, "officer-1", "DCIM/VID.MP4", null, data.length, 0,
                    "0".repeat(64), clock), new IngestSource() {
                        @Override
                        public InputStream open() {
                            return new ByteArrayInputStream(data);
                        }

                        @Override
                        public boolean unchanged() {
                            return true;
                        }
                    }, IngestListener.NONE);
            manifest = r.manifestJson();
        }
        ObjectMapper json = new ObjectMapper();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA));
        JsonNode m = json.readTree(manifest);
        Set<ValidationMessage> problems = schema.validate(m);
        assertEquals(Set.of(), problems, new String(manifest, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3, m.path("parts").size(), "three parts of 1 KiB");

        ObjectNode noClock = m.deepCopy();
        noClock.remove("clock");
        assertFalse(schema.validate(noClock).isEmpty(), "clock is required in version 2");
        ObjectNode badSource = m.deepCopy();
        ((ObjectNode) badSource.path("clock").path("camera")).put("source", "gps");
        assertTrue(schema.validate(badSource).stream().anyMatch(v -> v.getMessage().contains("source")), "an unknown source is named");
    }
}
