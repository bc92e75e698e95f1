package dev.tralign.evaluator.service;

/**
 * Under which run and step a checkpoint's evaluation is published: the checkpoint's own by default; a caller that
 * trains one logical run as several trainer runs (the demo's online rounds) maps them onto one curve. Pure.
 */
@FunctionalInterface
public interface PublishedAs {

    /** A run id and a step. */
    record RunStep(String runId, long step) {
    }

    RunStep of(String runId, long step);

    /** Each checkpoint under its own run id and step. */
    static PublishedAs own() {
        return RunStep::new;
    }
}
