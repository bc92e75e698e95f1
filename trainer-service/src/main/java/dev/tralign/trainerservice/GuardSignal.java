package dev.tralign.trainerservice;

import java.util.Optional;

/**
 * Tells the training loop, at a checkpoint, whether the run's guard policy wants it to stop there, and why. A live
 * run asks the alerts topic ({@link AlertWatch}); a replay repeats the stop its original recorded ({@link #at}).
 */
@FunctionalInterface
public interface GuardSignal {

    /** Never stops. */
    GuardSignal NONE = step -> Optional.empty();

    /** The reason to end the run at the checkpoint of {@code step}, or empty to go on. */
    Optional<String> stopReason(long step);

    /** A signal that holds a resource (a consumer) until the run ends. */
    interface Watch extends GuardSignal, AutoCloseable {
        @Override
        void close();
    }

    /** Stops at exactly {@code stopStep} with {@code reason}, as a recorded run did. */
    static GuardSignal at(long stopStep, String reason) {
        return step -> step >= stopStep ? Optional.of(reason) : Optional.empty();
    }
}
