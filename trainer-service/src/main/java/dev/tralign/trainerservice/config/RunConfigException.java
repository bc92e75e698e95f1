package dev.tralign.trainerservice.config;

import dev.tralign.config.ConfigException;

/** A run setting that is missing, malformed or incompatible with another; the message names the key and the fix. */
public final class RunConfigException extends ConfigException {

    private static final long serialVersionUID = 1L;

    public RunConfigException(String message) {
        super(message);
    }
}
