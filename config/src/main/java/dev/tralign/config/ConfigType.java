package dev.tralign.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the text of a setting is parsed; a value that does not parse names the key and the expected form. */
public enum ConfigType {
    STRING, INT, LONG, DOUBLE, BOOLEAN, LIST,
    /** ISO-8601 ({@code PT10S}, {@code PT0.5S}) or a number with a unit: {@code 500ms}, {@code 10s}, {@code 2m}. */
    DURATION;

    /** Parses {@code text} (already trimmed) as this type. */
    public Object parse(String key, String text) {
        try {
            return switch (this) {
                case STRING -> text;
                case INT -> Integer.parseInt(text);
                case LONG -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> parseBoolean(key, text);
                case LIST -> text.isEmpty() ? List.of()
                        : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                case DURATION -> parseDuration(key, text);
            };
        } catch (NumberFormatException e) {
            throw new ConfigException(key + "=" + text + " is not " + article() + ": give "
                    + example());
        }
    }

    private static Duration parseDuration(String key, String text) {
        try {
            Matcher m = SIMPLE_DURATION.matcher(text);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ConfigException(key + "=" + text + " is not a duration: give 500ms, 10s, 2m, 1h or ISO-8601 "
                    + "such as PT10S");
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private static Boolean parseBoolean(String key, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new ConfigException(key + "=" + text + " is not a boolean: give true or false");
        }
        return Boolean.parseBoolean(lower);
    }

    private String article() {
        return switch (this) {
            case INT -> "an int";
            case LONG -> "a long";
            case DOUBLE -> "a number";
            default -> "a " + name().toLowerCase(Locale.ROOT);
        };
    }

    private String example() {
        return switch (this) {
            case INT, LONG -> "a whole number such as 16";
            case DOUBLE -> "a number such as 0.1 or 5e-7";
            default -> "a value";
        };
    }
}
