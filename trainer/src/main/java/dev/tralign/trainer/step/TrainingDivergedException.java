package dev.tralign.trainer.step;

/** The loss became NaN or infinite; the step was not applied and accumulated gradients were dropped. */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
