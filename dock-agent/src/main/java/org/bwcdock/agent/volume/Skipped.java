package org.bwcdock.agent.volume;

/** Something on the camera the dock did not take, and why (an event and a log line each). */
public record Skipped(String relativePath, String reason) {
}
