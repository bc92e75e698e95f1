package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.config.ConfigException;
import dev.tralign.evaluator.guard.GuardConfig;
import dev.tralign.ingest.IngestKeys;
import dev.tralign.ingest.http.HttpIngestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Ingest's settings come from its key tables: options, variables, defaults, checks and --list-keys. */
class KeyOptionsTest {

    private final CliRun cli = new CliRun();

    private static IngestCommand.Serve serve(Map<String, String> env, String... args) {
        CommandLine commandLine = new CommandLine(new TralignCommand());
        EnvironmentDefaults.install(commandLine, env);
        ParseResult result = commandLine.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().commandLine().getCommand();
    }

    private static HttpIngestConfig config(IngestCommand.Serve serve) {
        return IngestKeys.http(KeyOptions.read(serve.spec, IngestKeys.HTTP),
                IngestKeys.limits(KeyOptions.read(serve.spec, IngestKeys.LIMITS)), null);
    }

    @Test
    void keysAreOptionsAndVariablesWithTheTablesDefaults() {
        HttpIngestConfig defaults = config(serve(Map.of(), "ingest", "serve"));
        assertThat(defaults.maxBodyBytes()).isEqualTo(HttpIngestConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(defaults.readTimeout()).isEqualTo(HttpIngestConfig.DEFAULT_READ_TIMEOUT);

        HttpIngestConfig fromEnv = config(serve(Map.of("TRALIGN_MAX_BODY_BYTES", "4096",
                "TRALIGN_READ_TIMEOUT", "2s", "TRALIGN_MAX_TEXT_BYTES", "100"), "ingest", "serve"));
        assertThat(fromEnv.maxBodyBytes()).isEqualTo(4096);
        assertThat(fromEnv.readTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromEnv.limits().maxTextBytes()).isEqualTo(100);

        HttpIngestConfig fromArgs = config(serve(Map.of("TRALIGN_MAX_BODY_BYTES", "4096"), "ingest", "serve",
                "--max-body-bytes", "8192", "--request-timeout", "PT45S"));
        assertThat(fromArgs.maxBodyBytes()).isEqualTo(8192);
        assertThat(fromArgs.requestTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aBadValueNamesTheOptionWhereverItCameFrom() {
        assertThatThrownBy(() -> config(serve(Map.of(), "ingest", "serve", "--max-records", "lots",
                "--read-timeout", "soon"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--max-records=lots is not an int")
                .hasMessageContaining("--read-timeout=soon is not a duration");
        assertThatThrownBy(() -> config(serve(Map.of("TRALIGN_MAX_BODY_BYTES", "1e9"), "ingest", "serve")))
                .hasMessageContaining("--max-body-bytes=1e9 is not an int");
        // Ranges and rules between keys stay with the record, which names the options too.
        assertThatThrownBy(() -> config(serve(Map.of(), "ingest", "serve", "--max-records", "50",
                "--max-in-flight", "10"))).hasMessageContaining("--max-in-flight (10) must be at least --max-records");
    }

    @Test
    void listKeysPrintsEveryKeyWithItsVariableAndDefaultAndNeedsNoArguments() {
        assertThat(cli.run("ingest", "serve", "--list-keys")).isZero();
        assertThat(cli.out()).contains("ingest serve:", "--max-body-bytes", "TRALIGN_MAX_BODY_BYTES", "8388608",
                "--read-timeout", "PT10S", "ingest limits:", "--max-text-bytes", "TRALIGN_MAX_TEXT_BYTES");
        cli.clear();
        // ingest file needs PATHs to import, but not to list its keys.
        assertThat(cli.run("ingest", "file", "--list-keys")).isZero();
        assertThat(cli.out()).contains("--format", "auto", "--max-record-bytes");
        cli.clear();
        assertThat(cli.run("ingest", "normalise", "--list-keys")).isZero();
        assertThat(cli.out()).contains("--state-dir", "TRALIGN_STATE_DIR", ".tralign/ingest-streams");
    }

    @Test
    void evaluateRunListsTheEvaluatorsAndTheJudgesKeys() {
        assertThat(cli.run("evaluate", "run", "--list-keys")).isZero();
        assertThat(cli.out()).contains("evaluate run:", "--sft", "(required)", "--prompts-per-task",
                "TRALIGN_PROMPTS_PER_TASK", "judge:", "--judge-max-retries", "TRALIGN_JUDGE_MAX_RETRIES", "PT2M");
    }

    @Test
    void evaluateRunListsTheGuardKeysAsTheyAreGivenToGuard() {
        assertThat(cli.run("evaluate", "run", "--list-keys")).isZero();
        String out = cli.out();
        assertThat(out).contains("guard (--guard KEY=VALUE", "TRALIGN_GUARD");
        // Every key of the guard's table, with its type and default, as the user writes it.
        for (dev.tralign.config.ConfigKey key : GuardConfig.TABLE.keys().values()) {
            assertThat(out).contains("--guard " + key.name() + "=" + key.type().name());
        }
        assertThat(out).containsPattern("--guard guard\\.kl_budget=DOUBLE\\s+double\\s+Infinity")
                .contains("--guard guard.eval_prompts=INT", "(the --prompts file's count)");
        // What the listing shows is what --guard accepts.
        GuardConfig parsed = EvaluateRunCommand.guardConfig(java.util.List.of("guard.kl_budget=20"), 8);
        assertThat(parsed.klBudget()).isEqualTo(20.0);
        assertThat(parsed.evalPrompts()).isEqualTo(8);
    }

    @Test
    void judgeKeysReachTheLlmJudgesConfigAndItsRangesNameTheOption() {
        EvaluateRunCommand run = leaf(Map.of("TRALIGN_JUDGE_MAX_CONCURRENCY", "8"), "evaluate", "run", "--sft", "s",
                "--prompts", "p", "--tokenizer", "bytes", "--judge", "llm", "--judge-url", "http://127.0.0.1:8000/v1",
                "--judge-model", "qwen", "--judge-max-retries", "5", "--judge-request-timeout", "30s");
        dev.tralign.evaluator.judge.OpenAiJudgeConfig config = dev.tralign.evaluator.judge.JudgeKeys.openAi(
                KeyOptions.read(run.spec, dev.tralign.evaluator.judge.JudgeKeys.TABLE), null);
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.maxConcurrency()).isEqualTo(8);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));

        EvaluateRunCommand tooMany = leaf(Map.of(), "evaluate", "run", "--sft", "s", "--prompts", "p",
                "--tokenizer", "bytes", "--judge", "llm", "--judge-url", "http://127.0.0.1:8000/v1", "--judge-model",
                "qwen", "--judge-max-retries", "50");
        assertThatThrownBy(() -> dev.tralign.evaluator.judge.JudgeKeys.openAi(
                KeyOptions.read(tooMany.spec, dev.tralign.evaluator.judge.JudgeKeys.TABLE), null))
                .hasMessageContaining("--judge-max-retries must be between 0 and 20");
    }

    @Test
    void anUnknownJudgeIsRefusedBeforeAnythingIsLoaded() {
        assertThat(cli.run("evaluate", "run", "--sft", "no-such.ckpt", "--prompts", "no-such.txt", "--tokenizer",
                "bytes", "--judge", "llm2")).isNotZero();
        assertThat(cli.err()).contains("--judge=llm2 is not one of llm|reward-model|world-gold");
    }

    private static <T> T leaf(Map<String, String> env, String... args) {
        CommandLine commandLine = new CommandLine(new TralignCommand());
        EnvironmentDefaults.install(commandLine, env);
        ParseResult result = commandLine.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().commandLine().getCommand();
    }

    private static dev.tralign.config.Settings store(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "export";
        all[1] = "--out";
        all[2] = "out";
        System.arraycopy(args, 0, all, 3, args.length);
        ExportCommand export = leaf(env, all);
        return KeyOptions.read(export.spec, dev.tralign.evaluator.service.EvaluatorKeys.STORE);
    }

    @Test
    void aBooleanKeyIsASwitchBareOrWithItsValue() {
        String style = dev.tralign.evaluator.service.EvaluatorKeys.S3_PATH_STYLE;
        assertThat(store(Map.of(), "--checkpoint", "c.ckpt").bool(style)).isFalse();
        // Bare, last or before another option: true.
        assertThat(store(Map.of(), "--checkpoint", "c.ckpt", "--s3-path-style").bool(style)).isTrue();
        assertThat(store(Map.of(), "--s3-path-style", "--checkpoint", "c.ckpt").bool(style)).isTrue();
        // With a value, separate or after '='.
        assertThat(store(Map.of(), "--s3-path-style", "true", "--checkpoint", "c.ckpt").bool(style)).isTrue();
        assertThat(store(Map.of(), "--s3-path-style=false", "--checkpoint", "c.ckpt").bool(style)).isFalse();
        assertThat(store(Map.of(), "--s3-path-style", "false", "--checkpoint", "c.ckpt").bool(style)).isFalse();
        // The variable still works, and the command line still wins over it.
        assertThat(store(Map.of("TRALIGN_S3_PATH_STYLE", "true"), "--checkpoint", "c.ckpt").bool(style)).isTrue();
        assertThat(store(Map.of("TRALIGN_S3_PATH_STYLE", "true"), "--checkpoint", "c.ckpt",
                "--s3-path-style=false").bool(style)).isFalse();
        // A value that is not a boolean is refused by the table, naming the option.
        assertThatThrownBy(() -> store(Map.of(), "--checkpoint", "c.ckpt", "--s3-path-style=yes"))
                .hasMessageContaining("--s3-path-style=yes is not a boolean: give true or false");
    }

    @Test
    void aBareBooleanKeyWorksOnTheWholeCommandLine() {
        EvaluateRunCommand run = leaf(Map.of(), "evaluate", "run", "--sft", "s", "--prompts", "p", "--judge-ratings",
                "--tokenizer", "bytes");
        assertThat(KeyOptions.read(run.spec, dev.tralign.evaluator.judge.JudgeKeys.TABLE)
                .bool(dev.tralign.evaluator.judge.JudgeKeys.RATINGS)).isTrue();
        assertThat(KeyOptions.read(run.spec, dev.tralign.evaluator.service.EvaluatorKeys.TABLE)
                .string(dev.tralign.evaluator.service.EvaluatorKeys.TOKENIZER)).isEqualTo("bytes");
    }

    @Test
    void aBadValueFromTheCommandLineExitsWithTheMessage() {
        assertThat(cli.run("ingest", "file", "--max-text-bytes", "big", "x.jsonl")).isNotZero();
        assertThat(cli.err()).contains("--max-text-bytes=big is not an int");
    }
}
