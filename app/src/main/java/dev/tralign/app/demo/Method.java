package dev.tralign.app.demo;

import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.config.TrainingConfig;
import java.util.Locale;

/**
 * One alignment method of the comparison: a loss and, for trust-region variants, how the reference moves.
 * Names: dpo, ipo, kto, hinge, each optionally prefixed "tr-" and suffixed "-soft" or "-hard"
 * (e.g. tr-dpo-soft: alpha 0.6 every {@code softTau} steps; tr-dpo-hard: alpha 1 every {@code hardTau} steps).
 * A sweep names its own values: {@code tr-dpo-soft@0.3/4} (alpha 0.3, tau 4), {@code tr-dpo-hard/256} (tau 256).
 */
public record Method(String name, LossType lossType, boolean trustRegion, double alpha, int tau) {

    /** Parses a method name; taus come from the caller so a short demo can still make hard updates fire. */
    public static Method parse(String name, int softTau, int hardTau) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        Double alphaOverride = null;
        Integer tauOverride = null;
        String spec = n;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            tauOverride = parseNumber(name, spec.substring(slash + 1), "tau", Integer::parseInt);
            spec = spec.substring(0, slash);
        }
        int at = spec.indexOf('@');
        if (at >= 0) {
            alphaOverride = parseNumber(name, spec.substring(at + 1), "alpha", Double::parseDouble);
            spec = spec.substring(0, at);
        }
        boolean tr = spec.startsWith("tr-");
        String rest = tr ? spec.substring(3) : spec;
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
        if (!tr && (alphaOverride != null || tauOverride != null)) {
            throw new IllegalArgumentException("method '" + name + "': only trust-region methods take @alpha or /tau");
        }
        if (alphaOverride != null) {
            alpha = alphaOverride;
        }
        if (tauOverride != null) {
            tau = tauOverride;
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

    private static <T> T parseNumber(String method, String text, String what,
            java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("method '" + method + "': " + what + " '" + text
                    + "' is not a number (e.g. tr-dpo-soft@0.3/4)");
        }
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
