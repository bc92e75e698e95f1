package dev.tralign.trainerservice;

import dev.tralign.schemas.TopicSpec;
import dev.tralign.trainerservice.config.RunConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a run asks of the cluster before it trains: that it answers, that its topics exist. */
final class ClusterAdmin {

    /** Logged as the trainer: an operator watching TrainerService's lines sees why the run has not started. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

    private final Admin admin;
    private final Object bootstrap;

    ClusterAdmin(Admin admin, Object bootstrap) {
        this.admin = admin;
        this.bootstrap = bootstrap;
    }

    /**
     * Waits until the Kafka cluster answers (a WARN per attempt, backing off from 1 s to 30 s), so a trainer started
     * before its brokers (a restart of the whole deployment) starts training when they come up instead of failing.
     */
    void awaitReachable(String runId, BooleanSupplier stopped) {
        long backoff = 1_000;
        while (true) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000)).nodes().get();
                return;
            } catch (ExecutionException e) {
                if (stopped.getAsBoolean()) {
                    throw new IllegalStateException("run " + runId + " stopped before Kafka at " + bootstrap
                            + " answered; nothing was trained");
                }
                LOG.warn("run {}: Kafka at {} does not answer ({}); waiting, next try in {} s", runId,
                        bootstrap, e.getCause().getClass().getSimpleName(), backoff / 1000);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrap, e);
                }
                backoff = Math.min(2 * backoff, 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrap, e);
            }
        }
    }

    /** Every partition of {@code topics}; a missing topic is a config problem, named with the fix. */
    List<TopicPartition> partitionsOf(List<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new RunConfigException("input topic " + topic + " does not exist: create it ('tralign "
                            + "topics create' creates the tralign topics on a cluster) or fix input.topics");
                }
                throw new IllegalStateException("cannot describe input topic " + topic + ": " + e.getCause(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + topic, e);
            }
            d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    /**
     * Creates a one-partition topic with its configs unless it exists (tralign topics create made it, or an earlier
     * run); an existing topic is left as it is.
     */
    void ensureTopic(TopicSpec spec) {
        String name = spec.name();
        try {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty()).configs(spec.configs())))
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + name, e);
        }
    }
}
