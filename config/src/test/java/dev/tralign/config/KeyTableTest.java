package dev.tralign.config;

import static dev.tralign.config.ConfigKey.Validator.any;
import static dev.tralign.config.ConfigKey.Validator.atLeast;
import static dev.tralign.config.ConfigKey.Validator.positiveDuration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyTableTest {

    private static final KeyTable LIMITS = KeyTable.builder("test")
            .key("max_body_bytes", ConfigType.INT, 1024, atLeast(1), "Largest body.")
            .key("read_timeout", ConfigType.DURATION, Duration.ofSeconds(10), positiveDuration(), "Longest pause.")
            .key("host", ConfigType.STRING, ConfigKey.REQUIRED, any(), "Where to bind.")
            .build();

    @Test
    void givenValuesAreParsedAndTheRestTakeTheirDefaults() {
        Settings s = LIMITS.parse(Map.of("host", "127.0.0.1", "read_timeout", "500ms"));
        assertThat(s.string("host")).isEqualTo("127.0.0.1");
        assertThat(s.duration("read_timeout")).isEqualTo(Duration.ofMillis(500));
        assertThat(s.integer("max_body_bytes")).isEqualTo(1024);
        assertThat(LIMITS.parse(Map.of("host", "h", "read_timeout", "PT0.25S")).duration("read_timeout"))
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheKeyAsTheUserSpeltIt() {
        assertThatThrownBy(() -> LIMITS.parse(Map.of("max_body_bytes", "0", "read_timeout", "soon",
                "max_bdy_bytes", "1"), k -> "--" + k.replace('_', '-')))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--max-body-bytes=0 is too small: it must be >= 1")
                .hasMessageContaining("--read-timeout=soon is not a duration")
                .hasMessageContaining("unknown test key 'max_bdy_bytes' (did you mean 'max_body_bytes'?)")
                .hasMessageContaining("--host is required: Where to bind.");
    }

    @Test
    void aZeroTimeoutIsRefused() {
        assertThatThrownBy(() -> LIMITS.parse(Map.of("host", "h", "read_timeout", "0s")))
                .hasMessage("read_timeout=PT0S must be longer than zero");
    }

    @Test
    void askingForAKeyOfAnotherTypeIsAProgrammingError() {
        Settings s = LIMITS.parse(Map.of("host", "h"));
        assertThatThrownBy(() -> s.longValue("max_body_bytes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no LONG key 'max_body_bytes'");
    }

    @Test
    void markdownShowsDefaultsAsAUserWouldWriteThem() {
        assertThat(KeyTable.toMarkdown(LIMITS.keys().values()))
                .contains("| `read_timeout` | duration | PT10S | Longest pause. |")
                .contains("| `host` | string | (required) | Where to bind. |");
    }
}
