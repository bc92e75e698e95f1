package dev.tralign.app.cli;

import dev.tralign.config.ConfigKey;
import dev.tralign.config.ConfigType;
import dev.tralign.config.KeyTable;
import dev.tralign.config.Settings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A component's {@link KeyTable} as a command's options: key {@code max_body_bytes} is option
 * {@code --max-body-bytes}, and (by {@link EnvironmentDefaults}' one rule) variable {@code TRALIGN_MAX_BODY_BYTES}.
 * The option text is parsed and checked by the table, so a bad value gets the same message from the command line
 * and from the environment, naming the option. A boolean key's option may be given bare ({@code --s3-path-style}
 * is {@code --s3-path-style true}) or with its value, as a user expects of a switch. Every command with keys also
 * gets {@code --list-keys}.
 */
final class KeyOptions {

    static final String LIST_KEYS = "--list-keys";

    private KeyOptions() {
    }

    /** The option spelling of a key. */
    static String optionName(String key) {
        return "--" + key.replace('_', '-').replace('.', '-');
    }

    /**
     * Adds the table's keys as options of {@code spec} (and {@code --list-keys}, once). Idempotent: picocli transforms
     * a command once per name it is registered under (an alias included).
     */
    static CommandSpec addTo(CommandSpec spec, KeyTable table) {
        for (ConfigKey key : table.keys().values()) {
            if (spec.findOption(optionName(key.name())) != null) {
                continue;
            }
            OptionSpec.Builder option = OptionSpec.builder(optionName(key.name()))
                    .type(String.class)
                    .paramLabel(key.type().name())
                    .description(key.doc() + (key.defaultValue() == ConfigKey.REQUIRED ? " (required)"
                            : " (default: ${DEFAULT-VALUE})"));
            if (key.type() == ConfigType.BOOLEAN) {
                // Bare = true; a following true/false is its value. Picocli only takes the next argument as the
                // value when it is not an option, so `--s3-path-style --checkpoint-store s3://b` works too.
                option.arity("0..1").fallbackValue("true");
            }
            if (key.defaultValue() == ConfigKey.REQUIRED) {
                option.required(true);
            } else {
                option.defaultValue(KeyTable.defaultText(key));
            }
            spec.addOption(option.build());
        }
        if (spec.findOption(LIST_KEYS) == null) {
            // help(true): listing the keys needs none of the command's required arguments.
            spec.addOption(OptionSpec.builder(LIST_KEYS).arity("0").type(boolean.class).help(true)
                    .description("Print this command's settings (option, environment variable, type, default, "
                            + "meaning), then exit.").build());
        }
        return spec;
    }

    /** The table's values as given on the command line, in the environment or by default, checked. */
    static Settings read(CommandSpec spec, KeyTable table) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : table.keys().keySet()) {
            OptionSpec option = spec.findOption(optionName(key));
            if (option == null) {
                throw new IllegalStateException(optionName(key) + " was not added to " + spec.qualifiedName());
            }
            String text = option.getValue();
            if (text != null) {
                given.put(key, text);
            }
        }
        return table.parse(given, KeyOptions::optionName);
    }

    /** True when the user asked for {@code --list-keys}. */
    static boolean listKeysAsked(CommandSpec spec) {
        OptionSpec option = spec.findOption(LIST_KEYS);
        return option != null && Boolean.TRUE.equals(option.getValue());
    }

    /** Prints {@link #listing} on the command's output; returns exit code 0. */
    static int printListing(CommandSpec spec, KeyTable... tables) {
        spec.commandLine().getOut().print(listing(tables));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The keys of {@code tables} for {@code --list-keys}: one block per key. */
    static String listing(KeyTable... tables) {
        StringBuilder sb = new StringBuilder();
        for (KeyTable table : tables) {
            sb.append(table.title()).append(":\n");
            for (ConfigKey key : table.keys().values()) {
                String option = optionName(key.name());
                sb.append(String.format(Locale.ROOT, "  %-22s %-30s %-8s %s%n", option,
                        EnvironmentDefaults.variableOf(option),
                        key.type().name().toLowerCase(Locale.ROOT),
                        key.defaultValue() == ConfigKey.REQUIRED ? "(required)" : KeyTable.defaultText(key)));
                sb.append("      ").append(key.doc()).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The keys of a key=value option such as {@code --guard} for {@code --list-keys}: one block per key, spelled as
     * the user writes it ({@code --guard guard.kl_budget=DOUBLE}). {@code shownDefaults} replaces the default of
     * keys the command derives (guard.eval_prompts is the prompt count).
     */
    static String keyValueListing(String option, KeyTable table, Map<String, String> shownDefaults) {
        StringBuilder sb = new StringBuilder();
        sb.append(table.title()).append(" (").append(option).append(" KEY=VALUE, several comma-separated or ")
                .append(option).append(" repeated; env ").append(EnvironmentDefaults.variableOf(option))
                .append("):\n");
        for (ConfigKey key : table.keys().values()) {
            String type = key.type().name().toLowerCase(Locale.ROOT);
            String shown = shownDefaults.containsKey(key.name()) ? shownDefaults.get(key.name())
                    : key.defaultValue() == ConfigKey.REQUIRED ? "(required)" : KeyTable.defaultText(key);
            sb.append(String.format(Locale.ROOT, "  %-53s %-8s %s%n",
                    option + " " + key.name() + "=" + key.type().name(), type, shown));
            sb.append("      ").append(key.doc()).append('\n');
        }
        return sb.toString();
    }
}
