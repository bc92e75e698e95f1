package dev.tralign.schemas.serde;

import dev.tralign.schemas.registry.RestSchemaRegistryClient;
import dev.tralign.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde settings, read from Confluent's own config keys so a user's existing client config works unchanged.
 *
 * @param registryUrls {@code schema.registry.url}, comma-separated
 * @param autoRegister {@code auto.register.schemas} (default true)
 * @param useLatestVersion {@code use.latest.version} (default false)
 * @param userInfo basic-auth {@code user:password} from {@code basic.auth.user.info} or the URL
 */
public record SerdeConfig(List<String> registryUrls, boolean autoRegister, boolean useLatestVersion,
        Optional<String> userInfo) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Optional reader class for values (Confluent's key), else the writer schema's generated class is used. */
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";
    /** Optional reader class for keys. */
    public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";

    /** Reads and validates the settings; the registry URL may be absent when a client is injected. */
    public static SerdeConfig from(Map<String, ?> configs) {
        String urls = text(configs, SCHEMA_REGISTRY_URL, "");
        List<String> registryUrls = Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        registryUrls.forEach(SerdeConfig::validateUrl);
        boolean autoRegister = bool(configs, AUTO_REGISTER_SCHEMAS, true);
        boolean useLatest = bool(configs, USE_LATEST_VERSION, false);
        String source = text(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "").toUpperCase(Locale.ROOT);
        Optional<String> userInfo = switch (source) {
            case "" -> Optional.of(text(configs, BASIC_AUTH_USER_INFO, "")).filter(s -> !s.isEmpty());
            case "USER_INFO" -> {
                String info = text(configs, BASIC_AUTH_USER_INFO, "");
                if (!info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)",
                            "basic.auth.credentials.source=USER_INFO needs basic.auth.user.info=user:password");
                }
                yield Optional.of(info);
            }
            case "URL" -> registryUrls.stream().map(u -> URI.create(u).getRawUserInfo())
                    .filter(u -> u != null && !u.isEmpty()).findFirst();
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    "supported values are USER_INFO and URL");
        };
        return new SerdeConfig(registryUrls, autoRegister, useLatest, userInfo);
    }

    /** Builds a REST client from these settings. */
    public SchemaRegistryClient newClient() {
        if (registryUrls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is not set: give the registry's URL, e.g. "
                    + "schema.registry.url=http://127.0.0.1:8081 (tralign stack prints it on start)");
        }
        List<String> plain = registryUrls.stream().map(SerdeConfig::withoutUserInfo).toList();
        return new RestSchemaRegistryClient(plain, userInfo, Duration.ofSeconds(10));
    }

    private static void validateUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "expected http://host:port or https://host:port");
        }
    }

    private static String withoutUserInfo(String url) {
        URI uri = URI.create(url);
        return uri.getRawUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "");
    }

    private static String text(Map<String, ?> configs, String key, String fallback) {
        Object value = configs.get(key);
        return value == null ? fallback : value.toString().trim();
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new ConfigException(key, value, "expected true or false");
        }
        return Boolean.parseBoolean(text);
    }
}
