package dev.tralign.app.demo;

import dev.tralign.trainer.LossType;
import dev.tralign.trainer.TrainingConfig;
import java.util.Locale;

/**
 * One alignment method of the comparison: a loss and, for trust-region variants, how the reference moves.
 * Names: dpo, ipo, kto, hinge, each optionally prefixed "tr-" and suffixed "-soft" or "-hard"
 * (e.g. tr-dpo-soft: alpha 0.6 every {@code softTau} steps; tr-dpo-hard: alpha 1 every {@code hardTau} steps).
 */
public record Method(String name, LossType lossType, boolean trustRegion, double alpha, int tau) {

    /** Parses a method name; taus come from the caller so a short demo can still make hard updates fire. */
    public static Method parse(String name, int softTau, int hardTau) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        boolean tr = n.startsWith("tr-");
        String rest = tr ? n.substring(3) : n;
        String base = rest;
        double alpha = 0;
        int tau = 0;
        if (tr) {
            if (rest.endsWith("-soft")) {
                base = rest.substring(0, rest.length() - 5);
                alpha = 0.6;
                tau = softTau;
            } else if (rest.endsWith("-hard")) {
                base = rest.substring(0, rest.length() - 5);
                alpha = 1.0;
                tau = hardTau;
            } else {
                throw new IllegalArgumentException("method '" + name
                        + "': a trust-region method ends in -soft or -hard, e.g. tr-dpo-soft");
            }
        }
        LossType loss = switch (base) {
            case "dpo" -> LossType.parse("sigmoid");
            case "ipo" -> LossType.parse("ipo");
            case "kto" -> LossType.parse("kto");
            case "hinge" -> LossType.parse("hinge");
            default -> throw new IllegalArgumentException("method '" + name
                    + "' is unknown: use dpo, ipo, kto or hinge, optionally as tr-<loss>-soft or tr-<loss>-hard");
        };
        return new Method(n, loss, tr, alpha, tau);
    }

    /** True when the loss learns from unpaired thumbs up/down. */
    public boolean unpaired() {
        return name.contains("kto");
    }

    /** Applies this method to a training config. */
    public TrainingConfig.Builder apply(TrainingConfig.Builder builder) {
        builder.lossType(lossType).syncRefModel(trustRegion);
        if (trustRegion) {
            builder.refModelMixupAlpha(alpha).refModelSyncSteps(tau);
        }
        return builder;
    }
}
