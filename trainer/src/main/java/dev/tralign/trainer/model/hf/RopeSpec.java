package dev.tralign.trainer.model.hf;

/**
 * Rotary position embedding frequencies: inv_freq[i] = 1 / theta^(2i / rotaryDims), optionally rescaled.
 *
 * @param theta {@code rope_theta}
 * @param scaling null (none), or a {@code rope_scaling} the decoder implements
 */
public record RopeSpec(double theta, Scaling scaling) {

    /**
     * A supported {@code rope_scaling}.
     *
     * @param type {@code linear} (positions divided by factor) or {@code llama3} (Llama 3.1's wavelength-dependent
     *     frequency scaling)
     * @param factor scaling factor
     * @param lowFreqFactor llama3 only
     * @param highFreqFactor llama3 only
     * @param originalMaxPositions llama3 only: {@code original_max_position_embeddings}
     */
    public record Scaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositions) {
    }

    /** The inverse frequencies for {@code rotaryDims} rotated dimensions, computed in float32 as transformers does. */
    public float[] inverseFrequencies(int rotaryDims) {
        float[] inv = new float[rotaryDims / 2];
        for (int i = 0; i < inv.length; i++) {
            // transformers: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), every step in float32.
            float exponent = (float) (2 * i) / (float) rotaryDims;
            float power = (float) Math.pow(theta, exponent);
            inv[i] = 1.0f / power;
        }
        if (scaling == null) {
            return inv;
        }
        return switch (scaling.type()) {
            case "linear" -> {
                // Dividing positions by the factor equals dividing every frequency by it.
                for (int i = 0; i < inv.length; i++) {
                    inv[i] = (float) (inv[i] / scaling.factor());
                }
                yield inv;
            }
            case "llama3" -> llama3(inv);
            default -> throw new IllegalStateException("unsupported rope_scaling " + scaling.type());
        };
    }

    /**
     * Llama 3.1: wavelengths longer than original_max / low_freq_factor are slowed by the factor, shorter than
     * original_max / high_freq_factor kept, and those between interpolated smoothly.
     */
    private float[] llama3(float[] inv) {
        double lowWavelength = scaling.originalMaxPositions() / scaling.lowFreqFactor();
        double highWavelength = scaling.originalMaxPositions() / scaling.highFreqFactor();
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            double wavelength = 2 * Math.PI / inv[i];
            double f = inv[i];
            if (wavelength > lowWavelength) {
                f = inv[i] / scaling.factor();
            } else if (wavelength >= highWavelength) {
                double smooth = (scaling.originalMaxPositions() / wavelength - scaling.lowFreqFactor())
                        / (scaling.highFreqFactor() - scaling.lowFreqFactor());
                f = (1 - smooth) * inv[i] / scaling.factor() + smooth * inv[i];
            }
            out[i] = (float) f;
        }
        return out;
    }
}
