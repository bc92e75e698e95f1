package dev.tralign.app.cli;

import dev.tralign.trainerservice.Replay;
import dev.tralign.trainerservice.ReplayReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Re-runs a run with its recorded config and seed (a bounded run over its offset range, a streaming run from its
 * ledger) and checks that every checkpoint digest comes out the same.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a run with its recorded config and seed and compare every checkpoint digest.",
            "A bounded run is re-trained over its recorded offset range; a streaming run, whose batches arrival "
                + "timing decided, from its ledger (the same records in the same micro-batches).",
            "Exit code 0 when every checkpoint matches, 1 when one differs."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--run", required = true, description = "The run to replay.")
    String runId;

    @Option(names = "--as", description = "Run id of the replay (default: <run>-replay-<time>).")
    String replayRunId;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        connection.requireReachable();
        Map<String, String> settings = new LinkedHashMap<>(connection.asRunSettings());
        String as = replayRunId != null ? replayRunId : runId + "-replay-" + Long.toString(System.currentTimeMillis(), 36);
        ReplayReport report = Replay.run(settings, runId, as);
        System.out.println(report.toText());
        return report.allMatch() ? 0 : 1;
    }
}
