package org.bwcdock.agent.config;

import java.util.List;

/** The configuration is unusable; {@link #problems()} holds every problem found, each naming its key. */
public final class ConfigException extends Exception {
    private final String source;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (as given) the problems are in. */
    public String source() {
        return source;
    }

    public List<String> problems() {
        return problems;
    }
}
