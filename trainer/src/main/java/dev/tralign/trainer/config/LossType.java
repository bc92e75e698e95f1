package dev.tralign.trainer.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The loss types: TRL's DPOTrainer loss_type values (main f2cd577) and KTOTrainer's, "sft" (alone: supervised
 * fine-tuning on examples; in a list with preference losses: TRL's NLL of the chosen completions), and tralign's
 * older meanings under names of their own (cdpo, ipo_per_token, ipo_summed, kto_pair), which current TRL does not
 * have.
 */
public enum LossType {
    SIGMOID, IPO, HINGE, KTO, KTO_PAIR, SFT,
    EXO_PAIR, NCA_PAIR, ROBUST, BCO_PAIR, SPPO_HARD, AOT, AOT_UNPAIRED, APO_ZERO, APO_DOWN, DISCOPOP, SIGMOID_NORM,
    /** Conservative DPO: sigmoid with label smoothing, as TRL computed it before its 2026 refactor. */
    CDPO,
    /** IPO with per-token rewards (tralign's ipo before it followed TRL main). */
    IPO_PER_TOKEN,
    /** IPO on summed log-probs (no length normalisation). */
    IPO_SUMMED,
    /** KTOTrainer's unpaired APO-zero. */
    APO_ZERO_UNPAIRED;

    /** The TRL spelling, e.g. {@code kto_pair}. */
    public String trlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every spelling, joined by '|', for messages. */
    public static String accepted() {
        return Arrays.stream(values()).map(LossType::trlName).collect(Collectors.joining("|"));
    }

    /** Parses a TRL spelling; the error lists the accepted values. */
    public static LossType parse(String value) {
        for (LossType t : values()) {
            if (t.trlName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("lossType '" + value.trim() + "' is not one of " + accepted());
    }

    /** Parses a comma-separated list such as {@code sigmoid,bco_pair,sft} (TRL's loss_type list). */
    public static List<LossType> parseList(String value) {
        List<LossType> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("lossType is empty: give one of " + accepted() + ", or several "
                    + "separated by commas");
        }
        return List.copyOf(out);
    }

    /** Losses trained on (prompt, chosen, rejected) pairs. */
    public boolean isPaired() {
        return switch (this) {
            case KTO, APO_ZERO_UNPAIRED, SFT -> false;
            default -> true;
        };
    }

    /** Losses trained on unpaired thumbs up/down (TRL's KTOTrainer). */
    public boolean isUnpairedFeedback() {
        return this == KTO || this == APO_ZERO_UNPAIRED;
    }

    /** Our older meanings, kept under their own names; they are not TRL main's. */
    public boolean isLegacy() {
        return this == CDPO || this == IPO_PER_TOKEN || this == IPO_SUMMED || this == KTO_PAIR;
    }
}
