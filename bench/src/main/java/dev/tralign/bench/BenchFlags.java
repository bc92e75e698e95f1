package dev.tralign.bench;

import dev.tralign.config.ConfigException;
import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigKey.Validator;
import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;
import dev.tralign.config.Suggestions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one benchmark, declared once (name, type, default, check, meaning) and parsed one way for every
 * bench: {@code --name value} or {@code --name=value}; a boolean flag alone means true. An unknown flag is refused
 * naming the flag, the bench, the closest valid flag and the list of valid ones, a bad value naming the flag and
 * the expected type: a typo must not run a bench at its defaults. Values are parsed and checked by the
 * {@link KeyTable} machinery of every tralign setting; {@link #help()} is written from the declarations.
 */
public final class BenchFlags {

    private final String bench;
    private final KeyTable table;
    /** Flags without a default: absent unless given (e.g. --tie, whose default depends on --arch). */
    private final Set<String> optional;
    /** How help shows the default of an optional flag ("TrainingConfig's", "derived from --pairs"). */
    private final Map<String, String> shownDefaults;

    private BenchFlags(String bench, KeyTable table, Set<String> optional, Map<String, String> shownDefaults) {
        this.bench = bench;
        this.table = table;
        this.optional = Collections.unmodifiableSet(optional);
        this.shownDefaults = Map.copyOf(shownDefaults);
    }

    /** Starts the declarations of bench {@code name} (as typed after {@code tralign bench}). */
    public static Builder of(String bench) {
        return new Builder(bench);
    }

    public String bench() {
        return bench;
    }

    /** The flags' names with their dashes, in declaration order. */
    public List<String> names() {
        return table.keys().keySet().stream().map(BenchFlags::spelled).toList();
    }

    /** True when {@code args} ask for help ({@code --help} or {@code -h}) instead of a run. */
    public static boolean helpAsked(String... args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException naming the bench, the flag and the fix: an unknown flag (with a "did you
     *     mean" and the valid flags), a flag given twice, a value missing or of the wrong type or range
     */
    public Values parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw refused("unexpected argument '" + arg + "': flags are --name value");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            ConfigKey key = table.keys().get(name);
            if (key == null) {
                throw refused("unknown flag --" + name + Suggestions.hint("--" + name, names()));
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (key.type() == ConfigType.BOOLEAN
                    && (i + 1 >= args.length || !isBoolean(args[i + 1]))) {
                value = "true"; // a switch: --tie alone is --tie true
            } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw refused("--" + name + " needs a value (" + typeText(key.type()) + ")");
            } else {
                value = args[++i];
            }
            if (given.put(name, value) != null) {
                throw refused("--" + name + " is given twice: keep one");
            }
        }
        try {
            return new Values(table.parse(given, BenchFlags::spelled), given.keySet());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bench " + bench + ": " + e.getMessage() + " (see tralign bench "
                    + bench + " --help)", e);
        }
    }

    /**
     * Per flag, its spelling, type and default on one line and its meaning below, wrapped to fit 80 columns (the
     * CLI prints it under the bench's usage).
     */
    public String help() {
        StringBuilder sb = new StringBuilder("Flags of bench " + bench + ":\n");
        wrap(sb, "--name value or --name=value; a boolean flag alone is true.", "  ", 78);
        for (ConfigKey key : table.keys().values()) {
            String shown = optional.contains(key.name()) ? shownDefaults.getOrDefault(key.name(), "unset")
                    : KeyTable.defaultText(key);
            sb.append("  ").append(spelled(key.name())).append(' ').append(key.type().name())
                    .append(" (default: ").append(shown).append(")\n");
            wrap(sb, key.doc(), "      ", 78);
        }
        return sb.toString();
    }

    private static void wrap(StringBuilder sb, String text, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                sb.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        sb.append(line).append('\n');
    }

    private IllegalArgumentException refused(String problem) {
        return new IllegalArgumentException("bench " + bench + ": " + problem + "; valid flags: "
                + String.join(" ", names()) + " (tralign bench " + bench + " --help describes them)");
    }

    private static boolean isBoolean(String text) {
        return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
    }

    private static String typeText(ConfigType type) {
        return switch (type) {
            case INT, LONG -> "a whole number such as 16";
            case DOUBLE -> "a number such as 0.1 or 5e-3";
            case LIST -> "comma-separated values";
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration such as 10s";
            default -> "a word";
        };
    }

    private static String spelled(String name) {
        return "--" + name;
    }

    /** The parsed, checked values of one bench's flags, by name without dashes. */
    public final class Values {

        private final Settings settings;
        private final Set<String> given;

        private Values(Settings settings, Set<String> given) {
            this.settings = settings;
            this.given = Set.copyOf(given);
        }

        /** True when the flag was on the command line. */
        public boolean given(String name) {
            known(name);
            return given.contains(name);
        }

        public int integer(String name) {
            return settings.integer(withValue(name));
        }

        public double decimal(String name) {
            return settings.decimal(withValue(name));
        }

        public boolean bool(String name) {
            return settings.bool(withValue(name));
        }

        public String string(String name) {
            return settings.string(withValue(name));
        }

        public List<String> list(String name) {
            return settings.list(withValue(name));
        }

        /** A list of whole numbers (declared with {@link Builder#integers}). */
        public int[] integers(String name) {
            return settings.list(withValue(name)).stream().mapToInt(Integer::parseInt).toArray();
        }

        /** An optional flag's value, null when it was not given. */
        public Integer optionalInteger(String name) {
            return given(name) ? settings.integer(name) : null;
        }

        /** An optional flag's value, null when it was not given. */
        public Boolean optionalBool(String name) {
            return given(name) ? settings.bool(name) : null;
        }

        /** An optional flag's value, null when it was not given. */
        public String optionalString(String name) {
            return given(name) ? settings.string(name) : null;
        }

        /** {@code name}, once it is known to have a value (given, or declared with a default). */
        private String withValue(String name) {
            if (!given(name) && optional.contains(name)) {
                // A programming error: an optional flag is read without asking whether it was given.
                throw new IllegalStateException("bench " + bench + ": --" + name + " has no default; read it "
                        + "with an optional getter");
            }
            return name;
        }

        private void known(String name) {
            if (!table.keys().containsKey(name)) {
                // A programming error: the bench reads a flag it did not declare.
                throw new IllegalStateException("bench " + bench + " declares no flag --" + name);
            }
        }
    }

    /** Declares flags in the order help lists them. */
    public static final class Builder {

        private final String bench;
        private final KeyTable.Builder table;
        private final Set<String> optional = new LinkedHashSet<>();
        private final Map<String, String> shownDefaults = new LinkedHashMap<>();

        private Builder(String bench) {
            this.bench = bench;
            this.table = KeyTable.builder("bench " + bench);
        }

        /** A whole number of at least {@code min}. */
        public Builder integer(String name, int defaultValue, int min, String doc) {
            return add(name, ConfigType.INT, defaultValue, Validator.atLeast(min), doc);
        }

        public Builder decimal(String name, double defaultValue, String doc) {
            return add(name, ConfigType.DOUBLE, defaultValue, Validator.any(), doc);
        }

        public Builder bool(String name, boolean defaultValue, String doc) {
            return add(name, ConfigType.BOOLEAN, defaultValue, Validator.any(), doc);
        }

        public Builder string(String name, String defaultValue, String doc) {
            return add(name, ConfigType.STRING, defaultValue, Validator.any(), doc);
        }

        /** One of {@code allowed} (a "did you mean" for a misspelt one). */
        public Builder choice(String name, String defaultValue, String doc, String... allowed) {
            return add(name, ConfigType.STRING, defaultValue, Validator.oneOf(allowed),
                    doc + " (" + String.join("|", allowed) + ")");
        }

        /** Comma-separated whole numbers, each at least {@code min}. */
        public Builder integers(String name, String defaultValue, int min, String doc) {
            Validator each = (k, v) -> {
                for (Object item : (List<?>) v) {
                    int n;
                    try {
                        n = Integer.parseInt(item.toString());
                    } catch (NumberFormatException e) {
                        throw new ConfigException(k + "=" + String.join(",", ((List<?>) v).stream()
                                .map(Object::toString).toList()) + ": '" + item + "' is not a whole number: give "
                                + "comma-separated whole numbers such as 1,2,3");
                    }
                    if (n < min) {
                        throw new ConfigException(k + ": " + n + " is too small: each must be >= " + min);
                    }
                }
            };
            return add(name, ConfigType.LIST, ConfigType.LIST.parse(name, defaultValue), each, doc);
        }

        /** Comma-separated values. */
        public Builder list(String name, String defaultValue, String doc) {
            return add(name, ConfigType.LIST, ConfigType.LIST.parse(name, defaultValue), Validator.any(), doc);
        }

        /** An integer flag without a default value: absent unless given; help shows {@code shownDefault}. */
        public Builder optionalInteger(String name, int min, String shownDefault, String doc) {
            return optional(name, ConfigType.INT, 0, Validator.atLeast(min), shownDefault, doc);
        }

        /** A boolean flag without a default value: absent unless given; help shows {@code shownDefault}. */
        public Builder optionalBool(String name, String shownDefault, String doc) {
            return optional(name, ConfigType.BOOLEAN, false, Validator.any(), shownDefault, doc);
        }

        /** A text flag without a default value: absent unless given; help shows {@code shownDefault}. */
        public Builder optionalString(String name, String shownDefault, String doc) {
            return optional(name, ConfigType.STRING, "", Validator.nonEmpty(), shownDefault, doc);
        }

        /** A choice without a default value: absent unless given; help shows {@code shownDefault}. */
        public Builder optionalChoice(String name, String shownDefault, String doc, String... allowed) {
            return optional(name, ConfigType.STRING, allowed[0], Validator.oneOf(allowed), shownDefault,
                    doc + " (" + String.join("|", allowed) + ")");
        }

        private Builder optional(String name, ConfigType type, Object placeholder, Validator validator,
                String shownDefault, String doc) {
            // The table needs a default to parse; the placeholder is never read (Values checks 'given' first).
            add(name, type, placeholder, validator, doc);
            optional.add(name);
            shownDefaults.put(name, shownDefault);
            return this;
        }

        private Builder add(String name, ConfigType type, Object defaultValue, Validator validator, String doc) {
            if (name.startsWith("-")) {
                throw new IllegalArgumentException("declare flag '" + name + "' without its dashes");
            }
            table.key(name, type, defaultValue, validator, doc);
            return this;
        }

        public BenchFlags build() {
            return new BenchFlags(bench, table.build(), optional, shownDefaults);
        }
    }
}
