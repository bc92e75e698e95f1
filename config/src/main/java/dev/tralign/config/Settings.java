package dev.tralign.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Checked values of one {@link KeyTable}, read by key in their Java types. */
public final class Settings {

    private final KeyTable table;
    private final Map<String, Object> values;

    Settings(KeyTable table, Map<String, Object> values) {
        this.table = table;
        this.values = Map.copyOf(values);
    }

    private Object value(String key, ConfigType type) {
        ConfigKey def = table.keys().get(key);
        if (def == null || def.type() != type) {
            // A programming error: the code asks for a key its table does not define with that type.
            throw new IllegalArgumentException("no " + type + " key '" + key + "' in " + table.title() + " settings");
        }
        return values.get(key);
    }

    public String string(String key) {
        return (String) value(key, ConfigType.STRING);
    }

    public int integer(String key) {
        return (Integer) value(key, ConfigType.INT);
    }

    public long longValue(String key) {
        return (Long) value(key, ConfigType.LONG);
    }

    public double decimal(String key) {
        return (Double) value(key, ConfigType.DOUBLE);
    }

    public boolean bool(String key) {
        return (Boolean) value(key, ConfigType.BOOLEAN);
    }

    public Duration duration(String key) {
        return (Duration) value(key, ConfigType.DURATION);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        return (List<String>) value(key, ConfigType.LIST);
    }
}
