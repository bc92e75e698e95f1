package dev.tralign.ingest.parse;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The feedback formats tralign reads; {@link #AUTO} decides per record from the fields present. */
public enum Format {
    /** Decide per record: label/completion = binary, lists = conversational, prompt = preference, else HH-RLHF. */
    AUTO("auto"),
    /** TRL standard preference: prompt, chosen and rejected strings. */
    PREFERENCE("preference"),
    /** TRL conversational: chosen and rejected (and optionally prompt) are lists of {role, content}. */
    CONVERSATIONAL("conversational"),
    /** Anthropic HH-RLHF: chosen and rejected are full transcripts sharing a Human/Assistant history. */
    HH_RLHF("hh-rlhf"),
    /** Unpaired binary feedback (TRL unpaired / KTO): prompt, completion and label. */
    BINARY("binary");

    private final String optionName;

    Format(String optionName) {
        this.optionName = optionName;
    }

    /** The name used on the command line and in docs. */
    public String optionName() {
        return optionName;
    }

    /**
     * Parses a --format value.
     *
     * @throws IllegalArgumentException naming the option and the accepted values
     */
    public static Format fromOption(String value) {
        for (Format format : values()) {
            if (format.optionName.equalsIgnoreCase(value == null ? "" : value.trim())
                    || format.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return format;
            }
        }
        String accepted = Arrays.stream(values()).map(Format::optionName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "--format '%s' is not a known format; use one of: %s (see docs/ingest.md)", value, accepted));
    }
}
