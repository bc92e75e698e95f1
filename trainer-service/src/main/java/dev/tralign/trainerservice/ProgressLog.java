package dev.tralign.trainerservice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A human log line every N optimizer steps; with a known plan, a progress bar and an ETA. */
final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    private static final int BAR = 24;

    private final String runId;
    private final long planned;
    private final int every;
    private final long firstStep;
    private final long started = System.nanoTime();

    ProgressLog(String runId, long planned, int every, long firstStep) {
        this.runId = runId;
        this.planned = planned;
        this.every = every;
        this.firstStep = firstStep;
    }

    void onStep(long step, double loss, double learningRate) {
        if (step % every != 0) {
            return;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = (step - firstStep) / Math.max(seconds, 1e-9);
        LOG.info(line(step, loss, learningRate, rate));
    }

    String line(long step, double loss, double learningRate, double stepsPerSecond) {
        StringBuilder sb = new StringBuilder("run ").append(runId).append(' ');
        if (planned > 0) {
            int filled = (int) Math.min(BAR, BAR * step / planned);
            sb.append('[').append("=".repeat(filled)).append(filled < BAR ? ">" : "")
                    .append(" ".repeat(Math.max(0, BAR - filled - 1))).append("] ")
                    .append(step).append('/').append(planned).append(' ');
            if (stepsPerSecond > 0 && step < planned) {
                sb.append(String.format("eta %.0fs ", (planned - step) / stepsPerSecond));
            }
        } else {
            sb.append("step ").append(step).append(' ');
        }
        return sb.append(String.format("loss %.4f lr %.2e %.2f steps/s", loss, learningRate, stepsPerSecond))
                .toString();
    }
}
