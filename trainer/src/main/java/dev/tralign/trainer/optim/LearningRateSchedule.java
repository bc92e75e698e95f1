package dev.tralign.trainer.optim;

import dev.tralign.trainer.optim.LrScheduler;

/**
 * Hugging Face's schedules, evaluated at {@code step} = optimizer steps already taken (0 for the first step):
 * warmup {@code lr * step / warmup}; then constant, linear {@code lr * (total - step) / (total - warmup)} or
 * cosine {@code lr * 0.5 * (1 + cos(pi * progress))}, never below 0.
 */
public final class LearningRateSchedule {

    private final LrScheduler type;
    private final double peak;
    private final int warmupSteps;
    private final long totalSteps;

    public LearningRateSchedule(LrScheduler type, double peak, int warmupSteps, long totalSteps) {
        this.type = type;
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        if (type == LrScheduler.CONSTANT) {
            return peak;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        progress = Math.min(1.0, progress);
        return switch (type) {
            case LINEAR -> peak * Math.max(0.0, 1.0 - progress);
            case COSINE -> peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
            default -> throw new IllegalStateException(type.name());
        };
    }
}
