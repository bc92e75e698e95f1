package dev.tralign.trainerservice.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * input.start: where a new run begins in its input topics. Pure: {@link #parse} checks the text, and the trainer
 * turns the policy into offsets with the consumer (beginningOffsets, endOffsets or offsetsForTimes).
 *
 * @param kind earliest, latest or timestamp
 * @param instant the instant of a timestamp policy
 */
public record StartPolicy(Kind kind, Optional<Instant> instant) {

    /** The three ways to start. */
    public enum Kind { EARLIEST, LATEST, TIMESTAMP }

    /** Parses earliest | latest | an ISO-8601 instant, with a message naming the key and the forms. */
    public static StartPolicy parse(String key, String text) {
        switch (text) {
            case "earliest":
                return new StartPolicy(Kind.EARLIEST, Optional.empty());
            case "latest":
                return new StartPolicy(Kind.LATEST, Optional.empty());
            default:
                try {
                    return new StartPolicy(Kind.TIMESTAMP, Optional.of(Instant.parse(text)));
                } catch (DateTimeParseException e) {
                    throw new RunConfigException(key + "=" + text + " is not a start: give earliest, latest or an "
                            + "ISO-8601 instant such as 2026-11-27T08:00:00Z");
                }
        }
    }
}
