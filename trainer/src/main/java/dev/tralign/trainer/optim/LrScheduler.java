package dev.tralign.trainer.optim;

import java.util.Locale;

/** Learning-rate schedule after warmup (Hugging Face names). */
public enum LrScheduler {
    CONSTANT, LINEAR, COSINE;

    public static LrScheduler parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lrScheduler '" + value + "' is not one of constant|linear|cosine", e);
        }
    }
}
