package dev.tralign.trainer.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** TRL's {@code f_divergence_type} values (DPOConfig; f-DPO, Wang et al. 2023, arXiv 2309.16240). */
public enum FDivergenceType {
    REVERSE_KL, FORWARD_KL, JS_DIVERGENCE, ALPHA_DIVERGENCE;

    /** The TRL spelling, e.g. {@code js_divergence}. */
    public String trlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a TRL spelling; the error lists the accepted values. */
    public static FDivergenceType parse(String value) {
        for (FDivergenceType t : values()) {
            if (t.trlName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("fDivergenceType '" + value.trim() + "' is not one of "
                + Arrays.stream(values()).map(FDivergenceType::trlName).collect(Collectors.joining("|")));
    }
}
