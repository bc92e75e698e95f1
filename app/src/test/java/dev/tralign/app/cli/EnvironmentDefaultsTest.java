package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class EnvironmentDefaultsTest {

    @TempDir
    Path dir;

    private static CommandLine cli(Map<String, String> env) {
        CommandLine cli = new CommandLine(new TralignCommand());
        EnvironmentDefaults.install(cli, env);
        return cli;
    }

    private static <T> T leaf(CommandLine cli, String... args) {
        ParseResult result = cli.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().commandLine().getCommand();
    }

    @Test
    void optionsReadTheirVariableAndTheCommandLineWins() {
        Map<String, String> env = Map.of("TRALIGN_BOOTSTRAP", "kafka-1:9092,kafka-2:9092",
                "TRALIGN_REGISTRY", "http://schema-registry:8081", "TRALIGN_STATE_DIR", "/var/lib/tralign/streams");
        IngestCommand.Normalise fromEnv = leaf(cli(env), "ingest", "normalise");
        assertThat(fromEnv.connection.bootstrap).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(fromEnv.connection.registry).isEqualTo("http://schema-registry:8081");
        assertThat(dev.tralign.ingest.IngestKeys.stateDir(KeyOptions.read(fromEnv.spec,
                dev.tralign.ingest.IngestKeys.NORMALISE))).isEqualTo(Path.of("/var/lib/tralign/streams"));

        IngestCommand.Normalise fromArgs = leaf(cli(env), "ingest", "normalise", "--bootstrap", "other:9092");
        assertThat(fromArgs.connection.bootstrap).isEqualTo("other:9092");

        IngestCommand.Normalise defaults = leaf(cli(Map.of()), "ingest", "normalise");
        assertThat(defaults.connection.bootstrap).isEqualTo(ConnectionOptions.DEFAULT_BOOTSTRAP);
    }

    @Test
    void anEvaluatorWorkerTurnsTheWinRateTopologyOffFromItsVariable() {
        // compose's judge-worker sets TRALIGN_WIN_RATES=false: a negatable flag must read "false" as off.
        Map<String, String> required = Map.of("TRALIGN_SFT", "sft.ckpt", "TRALIGN_PROMPTS", "prompts.txt",
                "TRALIGN_TOKENIZER", "bytes");
        Map<String, String> worker = new java.util.HashMap<>(required);
        worker.put("TRALIGN_WIN_RATES", "false");
        assertThat(((EvaluateRunCommand) leaf(cli(worker), "evaluate", "run")).winRates).isFalse();
        assertThat(((EvaluateRunCommand) leaf(cli(required), "evaluate", "run")).winRates).isTrue();
        assertThat(((EvaluateRunCommand) leaf(cli(required), "evaluate", "run", "--no-win-rates")).winRates)
                .isFalse();
    }

    @Test
    void keyedVariablesDecodeLikeConfluentImagesAndMergeUnderTheCommandLine() {
        Map<String, String> env = Map.of("TRALIGN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TRALIGN_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "TRALIGN_REGISTRY_BASIC_AUTH_USER_INFO", "svc:pw");
        IngestCommand.Serve serve = leaf(cli(env), "ingest", "serve", "--kafka-property", "sasl.mechanism=PLAIN");
        assertThat(serve.connection.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(serve.connection.kafkaSettings()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(serve.connection.serdeSettings()).containsEntry("basic.auth.user.info", "svc:pw");
    }

    @Test
    void keysRoundTripThroughTheirVariableSpelling() {
        for (String key : new String[] {"loss_type", "checkpoint.every_steps", "kafka.sasl.jaas.config",
                "ref_model_mixup_alpha", "some-dashed.key"}) {
            assertThat(EnvironmentDefaults.decodeKey(EnvironmentDefaults.encodeKey(key))).isEqualTo(key);
        }
        assertThat(EnvironmentDefaults.encodeKey("checkpoint.every_steps")).isEqualTo("CHECKPOINT_EVERY__STEPS");
        assertThat(EnvironmentDefaults.decodeKey("SSL_TRUSTSTORE_LOCATION")).isEqualTo("ssl.truststore.location");
    }

    @Test
    void aFileVariableSuppliesASecretWithoutItsTrailingNewline() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        Path jaas = Files.writeString(dir.resolve("jaas"), "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"svc\" password=\"pw\";\n");
        IngestCommand.Serve serve = leaf(cli(Map.of("TRALIGN_TOKEN_FILE", token.toString(),
                "TRALIGN_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString())), "ingest", "serve");
        assertThat(serve.token).isEqualTo("s3cret-token");
        assertThat(serve.connection.kafkaProperties().get("sasl.jaas.config")).endsWith("password=\"pw\";");
    }

    @Test
    void bothFormsOfOneVariableOrAMissingFileAreErrorsNamingTheVariable() {
        assertThatThrownBy(() -> leaf(cli(Map.of("TRALIGN_PORT", "1", "TRALIGN_PORT_FILE", "/x")), "ingest", "serve"))
                .hasMessageContaining("TRALIGN_PORT").hasMessageContaining("TRALIGN_PORT_FILE");
        assertThatThrownBy(() -> leaf(cli(Map.of("TRALIGN_PORT_FILE", dir.resolve("absent").toString())),
                "ingest", "serve")).hasMessageContaining("TRALIGN_PORT_FILE").hasMessageContaining("cannot be read");
    }

    @Test
    void anUnknownVariableFailsBeforeTheCommandRunsAndListsTheValidOnes() {
        CommandLine cli = cli(Map.of("TRALIGN_BOOTSTARP", "kafka:9092", "TRALIGN_JAVA_OPTS", "-Xmx1g"));
        StringBuilder err = new StringBuilder();
        cli.setErr(new java.io.PrintWriter(new java.io.Writer() {
            @Override
            public void write(char[] chars, int off, int len) {
                err.append(chars, off, len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true));
        int exit = cli.execute("ingest", "normalise");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown environment variable TRALIGN_BOOTSTARP for 'tralign ingest normalise'")
                .contains("TRALIGN_BOOTSTRAP").contains("TRALIGN_STATE_DIR").contains("TRALIGN_KAFKA_<KEY>");
    }

    @Test
    void aVariableOfAnotherCommandIsUnknownToThisOne() {
        CommandLine cli = cli(Map.of("TRALIGN_STATE_DIR", "/x"));
        ParseResult parsed = cli.parseArgs("evaluate", "serve");
        EnvironmentDefaults defaults = (EnvironmentDefaults) cli.getDefaultValueProvider();
        assertThatThrownBy(() -> defaults.check(parsed.subcommand().subcommand().commandSpec()))
                .hasMessageContaining("TRALIGN_STATE_DIR").hasMessageContaining("TRALIGN_PORT");
    }
}
