package dev.tralign.registry;

import com.sun.net.httpserver.HttpServer;
import dev.tralign.schemas.registry.SchemaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry that speaks the subset of Confluent's REST API that real clients use, keeping its state in
 * a compacted Kafka topic ({@value #DEFAULT_TOPIC}) like Confluent's. On start it reads the topic to the end, so
 * ids survive restarts; every write goes through the topic, so several registries on one broker agree.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /** Confluent's topic name. */
    public static final String DEFAULT_TOPIC = "_schemas";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final HttpServer http;
    private final ExecutorService workers;
    private final KafkaJournal journal;
    private final String url;

    private SchemaRegistryServer(HttpServer http, ExecutorService workers, KafkaJournal journal, String url) {
        this.http = http;
        this.workers = workers;
        this.journal = journal;
        this.url = url;
    }

    /** Starts on {@code host:port} (0 = a free port) with the {@value #DEFAULT_TOPIC} topic. */
    public static SchemaRegistryServer start(String bootstrapServers, String host, int port) {
        return start(bootstrapServers, host, port, DEFAULT_TOPIC);
    }

    /**
     * Starts the registry: replays {@code topic} (creating it if needed), then listens.
     *
     * @throws IllegalStateException with a message naming the option when the port is taken
     */
    public static SchemaRegistryServer start(String bootstrapServers, String host, int port, String topic) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " is in use on " + host + ": pass --registry-port with "
                    + "another port (0 picks a free one)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        SchemaStore store = new SchemaStore();
        KafkaJournal journal;
        try {
            journal = new KafkaJournal(bootstrapServers, topic, store);
        } catch (RuntimeException e) {
            http.stop(0);
            throw e;
        }
        ExecutorService workers = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "registry-http");
            thread.setDaemon(true);
            return thread;
        });
        http.createContext("/", new RegistryHttpHandler(new RegistryService(store, journal)));
        http.setExecutor(workers);
        http.start();
        String url = "http://" + host + ":" + http.getAddress().getPort();
        LOG.info("schema registry at {} (topic {} on {})", url, topic, bootstrapServers);
        return new SchemaRegistryServer(http, workers, journal, url);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8081}: the value for {@code schema.registry.url}. */
    public String url() {
        return url;
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
        journal.close();
    }
}
