package dev.tralign.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Settings from the environment, by one rule for every command, so a container is configured without a command
 * line:
 *
 * <ul>
 *   <li>option {@code --name-of-option} of the command being run reads {@code TRALIGN_NAME_OF_OPTION}
 *       ({@code --bootstrap} from {@code TRALIGN_BOOTSTRAP}, {@code --state-dir} from {@code TRALIGN_STATE_DIR});</li>
 *   <li>key=value options read one variable per key under their prefix ({@link #KEYED_OPTIONS}): the key is spelled
 *       as Confluent's images spell config keys, upper case with {@code _} for {@code .}, {@code __} for {@code _}
 *       and {@code ___} for {@code -} ({@code TRALIGN_KAFKA_SECURITY_PROTOCOL} is {@code --kafka-property
 *       security.protocol=...}, {@code TRALIGN_RUN_LOSS__TYPE} is {@code train --set loss_type=...});</li>
 *   <li>any of them may instead be {@code <NAME>_FILE}, the path of a file holding the value (Docker and Kubernetes
 *       secrets); a trailing newline is dropped.</li>
 * </ul>
 *
 * <p>The command line wins over the environment, which wins over the built-in default. A {@code TRALIGN_*} variable
 * that the command being run does not read is an error naming it and listing those it reads: a typo must not
 * silently leave a production setting at its default.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "TRALIGN_";
    static final String FILE_SUFFIX = "_FILE";
    /** The key=value options and the variable prefix of their keys. */
    static final Map<String, String> KEYED_OPTIONS = Map.of(
            "--kafka-property", "TRALIGN_KAFKA_",
            "--registry-property", "TRALIGN_REGISTRY_",
            "--set", "TRALIGN_RUN_");
    /** Read by the launchers (./tralign), not by a command. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("TRALIGN_JAVA_OPTS");

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:(TRALIGN_[A-Z0-9_]+)");

    private final Map<String, String> env;

    /** Reads {@code env} (normally {@link System#getenv()}). */
    public EnvironmentDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Makes every command of {@code cli} read the environment, and check it before it runs. */
    public static void install(CommandLine cli, Map<String, String> env) {
        EnvironmentDefaults defaults = new EnvironmentDefaults(env);
        cli.setDefaultValueProvider(defaults);
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cli.setExecutionStrategy(parseResult -> {
            defaults.check(leaf(parseResult).commandSpec());
            return run.execute(parseResult);
        });
    }

    /** The environment {@code command} was given, or an empty one when nothing was installed (tests). */
    static EnvironmentDefaults of(CommandSpec command) {
        if (command != null && command.commandLine() != null
                && command.commandLine().getDefaultValueProvider() instanceof EnvironmentDefaults installed) {
            return installed;
        }
        return new EnvironmentDefaults(Map.of());
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || !readsVariable(option)) {
            return null;
        }
        return value(variableOf(option));
    }

    /**
     * The entries of a key=value option taken from the environment, keys decoded; the option's own values are
     * applied over these by the command.
     */
    Map<String, String> keyed(String optionName) {
        String prefix = KEYED_OPTIONS.get(optionName);
        if (prefix == null) {
            throw new IllegalArgumentException(optionName + " is not a key=value option; known: "
                    + KEYED_OPTIONS.keySet());
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : new TreeSet<>(env.keySet())) {
            String plain = plainName(name);
            if (plain.startsWith(prefix) && plain.length() > prefix.length()) {
                out.put(decodeKey(plain.substring(prefix.length())), value(plain));
            }
        }
        return out;
    }

    /**
     * Fails when a {@code TRALIGN_*} variable is not read by {@code command}, naming the variable and listing the
     * ones it reads.
     */
    void check(CommandSpec command) {
        Set<String> exact = new TreeSet<>(LAUNCHER_VARIABLES);
        Set<String> prefixes = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            if (readsVariable(option)) {
                exact.add(variableOf(option));
            }
            String keyedPrefix = KEYED_OPTIONS.get(option.longestName());
            if (keyedPrefix != null) {
                prefixes.add(keyedPrefix);
            }
            // Variables an option names in its own default, e.g. ${env:TRALIGN_INGEST_TOKEN}.
            if (option.defaultValue() != null) {
                Matcher m = ENV_REFERENCE.matcher(option.defaultValue());
                while (m.find()) {
                    exact.add(m.group(1));
                }
            }
        }
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String plain = plainName(name);
            boolean known = exact.contains(plain)
                    || prefixes.stream().anyMatch(p -> plain.startsWith(p) && plain.length() > p.length());
            if (!known) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> valid = new ArrayList<>(exact);
            prefixes.forEach(p -> valid.add(p + "<KEY>"));
            throw new CommandLine.ParameterException(command.commandLine(), "unknown environment variable"
                    + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " for '"
                    + command.qualifiedName() + "': it reads " + String.join(", ", valid)
                    + " (each also as <NAME>_FILE); unset the variable or fix its name (docs/operations.md)");
        }
    }

    /** {@code --state-dir} -> {@code TRALIGN_STATE_DIR}. */
    static String variableOf(OptionSpec option) {
        return variableOf(option.longestName());
    }

    /** The same rule for an option's name. */
    static String variableOf(String optionName) {
        return PREFIX + optionName.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Confluent's rule, reversed: {@code SECURITY_PROTOCOL} -> security.protocol, {@code LOSS__TYPE} -> loss_type. */
    static String decodeKey(String encoded) {
        return encoded.toLowerCase(Locale.ROOT)
                .replace("___", "\u0000").replace("__", "\u0001").replace('_', '.')
                .replace('\u0001', '_').replace('\u0000', '-');
    }

    /** The other direction: loss_type -> LOSS__TYPE. */
    static String encodeKey(String key) {
        return key.replace("-", "\u0000").replace("_", "__").replace('.', '_').replace("\u0000", "___")
                .toUpperCase(Locale.ROOT);
    }

    private static boolean readsVariable(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !KEYED_OPTIONS.containsKey(option.longestName())
                && option.longestName().startsWith("--");
    }

    private static String plainName(String name) {
        return name.endsWith(FILE_SUFFIX) ? name.substring(0, name.length() - FILE_SUFFIX.length()) : name;
    }

    /** The value of {@code name}, directly or from the file {@code name_FILE} names; null when neither is set. */
    private String value(String name) {
        String direct = env.get(name);
        String file = env.get(name + FILE_SUFFIX);
        if (direct != null && file != null) {
            throw new IllegalArgumentException("both " + name + " and " + name + FILE_SUFFIX
                    + " are set: keep one (the _FILE form reads the value from a file)");
        }
        if (file == null) {
            return direct;
        }
        try {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new IllegalArgumentException(name + FILE_SUFFIX + "=" + file + " cannot be read ("
                    + e.getClass().getSimpleName() + "): mount the secret file there or fix the path", e);
        }
    }

    private static ParseResult leaf(ParseResult result) {
        ParseResult leaf = result;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf;
    }
}
