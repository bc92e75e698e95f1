package dev.tralign.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

    @Test
    void defaultsFollowConfluent() {
        SerdeConfig config = SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://a:1, http://b:2"));
        assertThat(config.registryUrls()).containsExactly("http://a:1", "http://b:2");
        assertThat(config.autoRegister()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.userInfo()).isEmpty();
    }

    @Test
    void basicAuthFromUserInfoOrUrl() {
        assertThat(SerdeConfig.from(Map.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SerdeConfig.BASIC_AUTH_USER_INFO, "u:p")).userInfo()).isEqualTo(Optional.of("u:p"));
        assertThat(SerdeConfig.from(Map.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL",
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://x:y@h:8081")).userInfo()).isEqualTo(Optional.of("x:y"));
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> SerdeConfig.from(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> SerdeConfig.from(Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "yes")))
                .hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(() -> SerdeConfig.from(Map.of(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .hasMessageContaining("USER_INFO");
        assertThatThrownBy(() -> new SerdeConfig(List.of(), true, false, Optional.empty()).newClient())
                .hasMessageContaining("schema.registry.url");
    }
}
