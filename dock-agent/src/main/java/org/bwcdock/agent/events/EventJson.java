package org.bwcdock.agent.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import org.bwcdock.format.SafeText;

import java.io.IOException;

import java.time.Instant;

/**
 * The one payload encoding of a {@link DockEvent}: its record components as a JSON object, instants
 * as ISO-8601, lists as arrays, and every string escaped ({@link SafeText}): file names, camera ids
 * and command names come from cameras and the network, and reach dashboards and operators' terminals.
 */
public final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(String.class, new StdSerializer<String>(String.class) {
                        @Override
                        public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString(SafeText.escape(value));
                        }
                    }));

    private EventJson() {
    }

    public static ObjectNode payload(DockEvent event) {
        return JSON.valueToTree(event);
    }

    public static String encode(DockEvent event) {
        return payload(event).toString();
    }
}
