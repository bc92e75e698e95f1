package dev.tralign.schemas;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How a tralign topic is created: its name and the topic configs it needs whatever the cluster (compaction,
 * retention). Partition count and replication factor are the deployment's choice, not the topic's, so they are not
 * here. {@link Topics#specs()} gives one per topic; {@code tralign topics create} and the embedded stack create
 * topics from them, so a real cluster and the tests get the same configs.
 *
 * @param name the full topic name, prefix included
 * @param configs topic-level configs ({@code cleanup.policy}, {@code retention.ms}); empty for the broker's defaults
 */
public record TopicSpec(String name, Map<String, String> configs) {

    /** Copies the configs, sorted by key so tables and logs list them in one order. */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        configs = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(configs, "configs")));
    }

    /** The configs as {@code key=value,key=value}, or {@code -} when there are none. */
    public String configText() {
        return configs.isEmpty() ? "-" : configs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
