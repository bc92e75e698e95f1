package dev.tralign.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The documented keys of one component (a run, ingest's limits, the HTTP front door, the evaluator, the judge), in
 * documentation order, and the one way their text becomes checked values: each key's {@link ConfigType} parses it,
 * its validator checks it, every problem is reported at once with the key named and a "did you mean" for a misspelt
 * one. The CLI turns a table into options ({@code max_body_bytes} is {@code --max-body-bytes} and
 * {@code TRALIGN_MAX_BODY_BYTES}) and prints it for {@code --list-keys}; run keys are read from files.
 */
public final class KeyTable {

    private final String title;
    private final Map<String, ConfigKey> keys;

    private KeyTable(String title, Map<String, ConfigKey> keys) {
        this.title = title;
        this.keys = Collections.unmodifiableMap(keys);
    }

    /** Starts a table; {@code title} names the component in messages and listings. */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** A table holding the keys of all {@code tables} (a command that reads several components). */
    public static KeyTable union(String title, KeyTable... tables) {
        Builder b = new Builder(title);
        for (KeyTable t : tables) {
            t.keys.values().forEach(b::add);
        }
        return b.build();
    }

    public String title() {
        return title;
    }

    /** The keys by name, in documentation order. */
    public Map<String, ConfigKey> keys() {
        return keys;
    }

    /**
     * Parses and checks {@code given} (key to text); keys not given take their defaults.
     *
     * @param spelled how a key is named in messages (the key itself, or the option a user typed)
     * @throws ConfigException listing every problem, each naming its key and the fix
     */
    public Settings parse(Map<String, String> given, UnaryOperator<String> spelled) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            ConfigKey def = keys.get(e.getKey());
            if (def == null) {
                problems.add("unknown " + title + " key '" + e.getKey() + "'"
                        + Suggestions.hint(e.getKey(), keys.keySet()));
                continue;
            }
            String name = spelled.apply(def.name());
            try {
                Object value = def.type().parse(name, e.getValue().trim());
                def.validator().check(name, value);
                values.put(def.name(), value);
            } catch (ConfigException ex) {
                problems.add(ex.getMessage());
            }
        }
        for (ConfigKey def : keys.values()) {
            if (!given.containsKey(def.name())) {
                if (def.defaultValue() == ConfigKey.REQUIRED) {
                    problems.add(spelled.apply(def.name()) + " is required: " + def.doc());
                } else {
                    values.put(def.name(), def.defaultValue());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.size() == 1 ? problems.get(0)
                    : "invalid " + title + " settings:\n  - " + String.join("\n  - ", problems));
        }
        return new Settings(this, values);
    }

    /** {@link #parse(Map, UnaryOperator)} naming keys as they are. */
    public Settings parse(Map<String, String> given) {
        return parse(given, UnaryOperator.identity());
    }

    /** The default as text, as a user would write it ("" when the key is required or derived). */
    public static String defaultText(ConfigKey key) {
        Object d = key.defaultValue();
        if (d == ConfigKey.REQUIRED) {
            return "";
        }
        if (d instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        if (d instanceof Duration duration) {
            return duration.toString();
        }
        return d.toString();
    }

    /** The keys as a Markdown table (key, type, default, meaning), for docs and listings. */
    public static String toMarkdown(Collection<ConfigKey> keys) {
        StringBuilder sb = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (ConfigKey k : keys) {
            String shown = k.defaultValue() == ConfigKey.REQUIRED ? "(required)"
                    : defaultText(k).isEmpty() ? "(derived)" : defaultText(k);
            sb.append("| `").append(k.name()).append("` | ").append(k.type().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(shown.replace("|", "\\|")).append(" | ")
                    .append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    /** Adds keys in order; a name given twice is a programming error. */
    public static final class Builder {

        private final String title;
        private final Map<String, ConfigKey> keys = new LinkedHashMap<>();

        private Builder(String title) {
            this.title = title;
        }

        public Builder key(String name, ConfigType type, Object defaultValue, ConfigKey.Validator validator,
                String doc) {
            return add(new ConfigKey(name, type, defaultValue, validator, doc));
        }

        Builder add(ConfigKey key) {
            if (keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalStateException("key " + key.name() + " defined twice in " + title);
            }
            return this;
        }

        public KeyTable build() {
            return new KeyTable(title, new LinkedHashMap<>(keys));
        }
    }
}
