package dev.tralign.schemas.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Confluent's compatibility levels. BACKWARD (the default) means consumers using the new schema can read data
 * written with the previous one; the *_TRANSITIVE levels check against every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** True when the new schema must be able to read data written with older schemas. */
    public boolean backward() {
        return backward;
    }

    /** True when older schemas must be able to read data written with the new schema. */
    public boolean forward() {
        return forward;
    }

    /** True when the check runs against every earlier version rather than only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level as written in Confluent's REST API, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CompatibilityLevel parse(String text) {
        if (text != null) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // fall through to the message that lists the choices
            }
        }
        throw new IllegalArgumentException("unknown compatibility level '" + text + "': use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
