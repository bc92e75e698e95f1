package dev.tralign.config;

import java.util.Objects;

/**
 * One documented setting, in the manner of Kafka's ConfigDef: name, type, default, validator and doc.
 *
 * @param name the key as written in the .properties file (TRL's name where one exists)
 * @param type how its text is parsed
 * @param defaultValue the parsed default, or {@link #REQUIRED} when the user must give it
 * @param validator checks a parsed value on its own (rules across keys live with the component, e.g. RunConfig)
 * @param doc one line for humans, shown in the docs and in error messages
 */
public record ConfigKey(String name, ConfigType type, Object defaultValue, Validator validator, String doc) {

    /** Marks a key without default. */
    public static final Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "(required)";
        }
    };

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
    }

    /** Checks a parsed value; throws {@link ConfigException} naming this key. */
    @FunctionalInterface
    public interface Validator {
        void check(String key, Object value);

        /** Accepts everything. */
        static Validator any() {
            return (k, v) -> { };
        }

        /** A number no smaller than {@code min}. */
        static Validator atLeast(double min) {
            return (k, v) -> {
                if (((Number) v).doubleValue() < min) {
                    throw new ConfigException(k + "=" + v + " is too small: it must be >= " + fmt(min));
                }
            };
        }

        /** A number in [min, max]. */
        static Validator between(double min, double max) {
            return (k, v) -> {
                double d = ((Number) v).doubleValue();
                if (!(d >= min && d <= max)) {
                    throw new ConfigException(k + "=" + v + " is out of range: it must be in [" + fmt(min) + ", "
                            + fmt(max) + "]");
                }
            };
        }

        /** One of the given spellings. */
        static Validator oneOf(String... allowed) {
            return (k, v) -> {
                for (String a : allowed) {
                    if (a.equals(v)) {
                        return;
                    }
                }
                throw new ConfigException(k + "=" + v + " is not one of " + String.join("|", allowed)
                        + Suggestions.hint(String.valueOf(v), java.util.List.of(allowed)));
            };
        }

        /** A duration longer than zero. */
        static Validator positiveDuration() {
            return (k, v) -> {
                java.time.Duration d = (java.time.Duration) v;
                if (d.isNegative() || d.isZero()) {
                    throw new ConfigException(k + "=" + v + " must be longer than zero");
                }
            };
        }

        /** A non-empty string. */
        static Validator nonEmpty() {
            return (k, v) -> {
                if (v.toString().isBlank()) {
                    throw new ConfigException(k + " is empty: give a value");
                }
            };
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
