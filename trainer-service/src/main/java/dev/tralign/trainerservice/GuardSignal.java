package dev.tralign.trainerservice;

import java.util.function.BooleanSupplier;

/**
 * Tells the training loop, at a checkpoint, whether the run's guard policy wants it to stop there, and why. A live
 * run asks the alerts topic ({@link AlertWatch}), waiting for the guard's verdict on the previous checkpoint when a
 * stop policy covers a checkpoint signature; a replay repeats the stop its original recorded ({@link #at}) and never
 * waits.
 */
@FunctionalInterface
public interface GuardSignal {

    /** Never stops. */
    GuardSignal NONE = (step, previousCheckpoint, stopping) -> Decision.GO_ON;

    /**
     * What to do at the checkpoint of {@code step}. {@code previousCheckpoint} is the run's last committed checkpoint
     * before it (0 for none); {@code stopping} turns true when the run is asked to stop, and a wait then gives up.
     */
    Decision at(long step, long previousCheckpoint, BooleanSupplier stopping);

    /** A signal that holds a resource (a consumer) until the run ends. */
    interface Watch extends GuardSignal, AutoCloseable {
        @Override
        void close();
    }

    /** Stops at exactly {@code stopStep} with {@code reason}, as a recorded run did; never waits. */
    static GuardSignal at(long stopStep, String reason) {
        return (step, previousCheckpoint, stopping) -> step >= stopStep ? Decision.stop(reason) : Decision.GO_ON;
    }

    /** What the guard says at a checkpoint. */
    enum Action {
        /** Write the checkpoint and train on. */
        GO_ON,
        /** The policy says stop: the checkpoint is the run's last (end=guard-stop), the run is over. */
        STOP,
        /**
         * The guard could not tell in time (no verdict before guard.verdict_timeout, or the run was asked to stop
         * while waiting): the checkpoint is the run's last for now (end=stopped), and a restart goes on from it.
         */
        UNDECIDED
    }

    /** An action and, for STOP and UNDECIDED, why. */
    record Decision(Action action, String reason) {
        static final Decision GO_ON = new Decision(Action.GO_ON, null);

        static Decision stop(String reason) {
            return new Decision(Action.STOP, reason);
        }

        static Decision undecided(String reason) {
            return new Decision(Action.UNDECIDED, reason);
        }
    }
}
