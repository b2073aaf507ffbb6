package org.bwcdock.sandbox.mqtt;

/** Forked by the kill -9 test: the real agent CLI. */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        org.bwcdock.agent.Main.main(args);
    }
}
