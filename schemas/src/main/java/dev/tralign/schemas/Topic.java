package dev.tralign.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic as a typed value: its name and the serdes of its keys and values, so producers and consumers of the
 * same topic cannot disagree on the format.
 *
 * @param name the full topic name, prefix included
 * @param keySerde serde for keys
 * @param valueSerde serde for values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Checks that nothing is missing. */
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }
}
