package dev.tralign.trainerservice.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How the text of a run setting is parsed; a value that does not parse names the key and the expected form. */
public enum ConfigType {
    STRING, INT, LONG, DOUBLE, BOOLEAN, LIST;

    /** Parses {@code text} (already trimmed) as this type. */
    Object parse(String key, String text) {
        try {
            return switch (this) {
                case STRING -> text;
                case INT -> Integer.parseInt(text);
                case LONG -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> parseBoolean(key, text);
                case LIST -> text.isEmpty() ? List.of()
                        : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            };
        } catch (NumberFormatException e) {
            throw new RunConfigException(key + "=" + text + " is not " + article() + ": give "
                    + example());
        }
    }

    private static Boolean parseBoolean(String key, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new RunConfigException(key + "=" + text + " is not a boolean: give true or false");
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
