package org.bwcdock.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Shared immutable JSON values. */
final class JsonNodes {
    /** Stands for a message the dock never published: every {@code path(...)} on it is missing. */
    static final JsonNode EMPTY = JsonNodeFactory.instance.missingNode();

    private JsonNodes() {
    }
}
