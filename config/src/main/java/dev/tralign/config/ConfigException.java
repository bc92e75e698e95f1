package dev.tralign.config;

/**
 * A setting that is missing, malformed or out of range; the message names the key (or option) and says what to give
 * instead, so it can be shown to the user as it is.
 */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
