package dev.tralign.trainer.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** TRL's loss_type values, plus "sft" for supervised fine-tuning in the same loop. */
public enum LossType {
    SIGMOID, IPO, HINGE, KTO, KTO_PAIR, SFT;

    /** The TRL spelling, e.g. {@code kto_pair}. */
    public String trlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a TRL spelling; the error lists the accepted values. */
    public static LossType parse(String value) {
        for (LossType t : values()) {
            if (t.trlName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("lossType '" + value + "' is not one of "
                + Arrays.stream(values()).map(LossType::trlName).collect(Collectors.joining("|")));
    }

    /** Losses trained on (prompt, chosen, rejected) pairs. */
    public boolean isPaired() {
        return this == SIGMOID || this == IPO || this == HINGE || this == KTO_PAIR;
    }
}
