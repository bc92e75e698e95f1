package dev.tralign.app.cli;

import dev.tralign.evaluator.alpaca.AlpacaImport;
import dev.tralign.evaluator.dashboard.DashboardServer;
import dev.tralign.evaluator.dashboard.TopicFeed;
import dev.tralign.evaluator.dashboard.TrainingStore;
import dev.tralign.evaluator.dashboard.WinRateStore;
import dev.tralign.evaluator.report.CheckpointGames;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Win rates: AlpacaEval conformance, and the live dashboard over tralign.win-rates. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Judge checkpoints against SFT, import AlpacaEval annotations, or serve the live dashboard.",
        subcommands = {EvaluateRunCommand.class, EvaluateCommand.ImportAlpaca.class, EvaluateCommand.Serve.class})
final class EvaluateCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "import-alpaca", mixinStandardHelpOptions = true,
            description = "Read AlpacaEval annotation files; print one JSON line per candidate (generator_2) with "
                    + "win_rate, standard_error, n_wins, n_wins_base, n_draws, n_total, discrete_win_rate, "
                    + "length_controlled_winrate, lc_standard_error (AlpacaEval's length_controlled_minimal).")
    static final class ImportAlpaca implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "annotations.json or .json.gz files.")
        List<Path> files;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            InputFiles.requireReadable(files);
            java.io.PrintWriter out = spec.commandLine().getOut();
            AlpacaImport.importAlpacaJsonLines(files).forEach(out::println);
            out.flush();
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the JSON API and live dashboard of tralign.win-rates (win rate vs step and vs KL).")
    static final class Serve implements Callable<Integer> {

        @Option(names = "--port", defaultValue = "8088", description = "HTTP port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            connection.requireReachable();
            WinRateStore store = new WinRateStore();
            Topics topics = Topics.create(Topics.DEFAULT_PREFIX, connection.serdeSettings());
            Map<String, Object> consumer = new HashMap<>(connection.kafkaSettings());
            TopicFeed<WinRate> feed = TopicFeed.start(consumer, topics.winRates(), store::put);
            TrainingStore training = new TrainingStore();
            TopicFeed<TrainMetrics> trainingFeed = TopicFeed.start(consumer, topics.trainMetrics(), training::put);
            // Every evaluation record, compactly, for the Bradley-Terry ranking (GET /api/bradley-terry).
            CheckpointGames games = new CheckpointGames();
            TopicFeed<Judgment> judgmentFeed = TopicFeed.start(consumer, topics.judgments(), games::add);
            DashboardServer dashboard = DashboardServer.start(host, port, store, training, games,
                    () -> feed.isRunning() && trainingFeed.isRunning() && judgmentFeed.isRunning());
            System.out.println("dashboard: http://" + host + ":" + dashboard.port() + "/  (API: /api/runs)");
            Waiting.untilInterrupted("evaluate serve", () -> {
                dashboard.close();
                feed.close();
                trainingFeed.close();
                judgmentFeed.close();
                topics.close();
            });
            return 0;
        }
    }
}
