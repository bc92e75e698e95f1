package dev.tralign.trainerservice;

import dev.tralign.trainerservice.config.RunConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trainer in its own JVM, for tests that kill it: runs the config file given as the only argument and prints
 * {@code STEP n} after each optimizer step and {@code DONE n} at the end, on stdout.
 */
public final class TrainerProcess {

    private TrainerProcess() {
    }

    public static void main(String[] args) {
        try (TrainerService service = new TrainerService(RunConfig.load(Path.of(args[0]), Map.of()))) {
            service.addProgressListener(r -> {
                if (r.metrics().getOrDefault("optimizer_step", 0.0) == 1.0) {
                    System.out.println("STEP " + r.step());
                    System.out.flush();
                }
            });
            RunSummary summary = service.run();
            System.out.println("DONE " + summary.steps());
            System.out.flush();
        }
    }
}
