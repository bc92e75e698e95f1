package dev.tralign.ingest.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the broker every {@code interval} whether it answers (describeCluster); the endpoint is ready while the last
 * answer is recent. Lets /healthz/ready report a lost broker, and POSTs fail at once with 503 instead of waiting for
 * acknowledgements that cannot come.
 */
final class BrokerProbe implements AutoCloseable {

    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private volatile long lastAnswerNanos;
    private volatile String lastProblem = "the broker has not answered yet";

    BrokerProbe(Map<String, Object> kafka, Duration interval) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) interval.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) interval.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tralign-ingest-http-probe");
        this.admin = Admin.create(config);
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tralign-ingest-broker-probe");
            thread.setDaemon(true);
            return thread;
        });
        probe();
        scheduler.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) interval.toMillis())).nodes()
                    .get(interval.toMillis() * 2, TimeUnit.MILLISECONDS);
            lastAnswerNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastProblem = "the Kafka broker did not answer within " + interval.toMillis() + " ms";
        }
    }

    /** True while the broker answered within the last three intervals. */
    boolean ready() {
        return lastAnswerNanos != 0 && System.nanoTime() - lastAnswerNanos < 3 * interval.toNanos();
    }

    /** Why the endpoint is not ready (meaningful when {@link #ready()} is false). */
    String problem() {
        return lastProblem;
    }

    /** Seconds after which a retry may find the broker back: one probe interval. */
    long retryAfterSeconds() {
        return Math.max(1, interval.toSeconds());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
