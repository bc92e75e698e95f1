package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.trainerservice.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Security settings from the environment reach the clients' settings and never the printed config. */
class ConnectionSecretsTest {

    private static final String PASSWORD = "pa55-w0rd-xyz";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"svc\" password=\"" + PASSWORD + "\";";

    @TempDir
    Path dir;

    private Map<String, String> env() throws IOException {
        Path jaas = Files.writeString(dir.resolve("jaas"), JAAS + "\n");
        Path truststorePassword = Files.writeString(dir.resolve("ts"), PASSWORD);
        return Map.of("TRALIGN_BOOTSTRAP", "broker:9093",
                "TRALIGN_REGISTRY", "https://svc:" + PASSWORD + "@registry:8081",
                "TRALIGN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "TRALIGN_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "TRALIGN_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString(),
                "TRALIGN_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", truststorePassword.toString(),
                "TRALIGN_REGISTRY_BASIC_AUTH_USER_INFO", "svc:" + PASSWORD,
                "TRALIGN_RUN_LOSS__TYPE", "ipo");
    }

    private <T> T parse(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new TralignCommand());
        EnvironmentDefaults.install(cli, env);
        ParseResult result = cli.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().commandLine().getCommand();
    }

    @Test
    void connectionOptionsCarryTheSecretsButPrintThemHidden() throws IOException {
        IngestCommand.Serve serve = parse(env(), "ingest", "serve");
        assertThat(serve.connection.kafkaSettings()).containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.password", PASSWORD).containsEntry("security.protocol", "SASL_SSL");
        assertThat(serve.connection.serdeSettings()).containsEntry("basic.auth.user.info", "svc:" + PASSWORD);

        String printed = serve.connection.toString();
        assertThat(printed).doesNotContain(PASSWORD).contains("kafka.sasl.jaas.config=[hidden]")
                .contains("kafka.ssl.truststore.password=[hidden]").contains("kafka.security.protocol=SASL_SSL")
                .contains("registry.basic.auth.user.info=[hidden]").contains("registry=https://[hidden]@registry:8081");
    }

    @Test
    void trainPassesThemAsKafkaAndRegistryKeysAndTheRunConfigDumpHidesThem() throws IOException {
        Path config = Files.writeString(dir.resolve("run.properties"), "model.init=fresh\n"
                + "bootstrap.servers=from-file:9092\n");
        TrainCommand train = parse(env(), "train", "--config", config.toString(), "--set", "beta=0.2");

        Map<String, String> settings = train.settings();
        assertThat(settings).containsEntry("bootstrap.servers", "broker:9093").containsEntry("loss_type", "ipo")
                .containsEntry("beta", "0.2").containsEntry("kafka.sasl.jaas.config", JAAS)
                .containsEntry("registry.basic.auth.user.info", "svc:" + PASSWORD);
        RunConfig run = RunConfig.load(config, settings);
        assertThat(run.kafkaSettings()).containsEntry("sasl.jaas.config", JAAS);
        assertThat(run.serdeSettings()).containsEntry("basic.auth.user.info", "svc:" + PASSWORD);
        // The registry URL's credentials move to the masked basic-auth setting (the URL is stored with the run).
        assertThat(run.definedSettings().get("schema.registry.url")).isEqualTo("https://registry:8081");
        assertThat(run.toString()).doesNotContain(PASSWORD).contains("kafka.sasl.jaas.config=[hidden]");
    }

    @Test
    void theBuiltInConnectionDefaultsDoNotOverrideTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("run.properties"), "model.init=fresh\n"
                + "bootstrap.servers=from-file:9092\n");
        TrainCommand train = parse(Map.of(), "train", "--config", config.toString());
        assertThat(RunConfig.load(config, train.settings()).bootstrapServers()).isEqualTo("from-file:9092");
    }
}
