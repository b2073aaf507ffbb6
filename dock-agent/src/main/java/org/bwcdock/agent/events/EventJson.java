package org.bwcdock.agent.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;

/** The one payload encoding of a {@link DockEvent}: its record components as a JSON object, instants as ISO-8601, lists as arrays. */
public final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    private EventJson() {
    }

    public static ObjectNode payload(DockEvent event) {
        return JSON.valueToTree(event);
    }

    public static String encode(DockEvent event) {
        return payload(event).toString();
    }
}
