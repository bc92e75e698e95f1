package dev.tralign.trainerservice;

import dev.tralign.schemas.Topic;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Seeded preference pairs over a small alphabet, written to the embedded broker with checked sends. */
final class PreferenceData {

    static final String ALPHABET = "abcdefgh";

    private PreferenceData() {
    }

    static List<PreferencePair> pairs(int count, long seed) {
        Random random = new Random(seed);
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(PreferencePair.newBuilder().setId("pair-" + seed + "-" + i).setPrompt(word(random, 3, 6))
                    .setChosen(word(random, 3, 8)).setRejected(word(random, 3, 8)).setSource("test")
                    .setCreatedAt(Instant.ofEpochMilli(0)).build());
        }
        return out;
    }

    private static String word(Random random, int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Creates every topic of {@code prefix} with {@code partitions} partitions. */
    /** The committed ledger of {@code runId} on {@code <prefix>trainer-ledger}, decoded through the stack's registry. */
    static List<LedgerEntry> ledger(EmbeddedStack stack, String prefix, String runId) {
        try (Topics topics = Topics.create(prefix, Map.of("schema.registry.url", stack.registryUrl()))) {
            return RunHistory.ledger(Map.of("bootstrap.servers", stack.bootstrapServers()), topics.trainerLedger(),
                    runId);
        }
    }

    static Topics topics(EmbeddedStack stack, String prefix, int partitions) {
        Topics topics = Topics.create(prefix, Map.of("schema.registry.url", stack.registryUrl()));
        stack.createTopics(topics, partitions);
        return topics;
    }

    /** Writes pairs round-robin over the partitions, then any raw values; waits for every acknowledgement. */
    static void write(EmbeddedStack stack, Topics topics, List<PreferencePair> pairs, int partitions,
            List<byte[]> rawValues) {
        write(stack, topics.preferences(), pairs, partitions, rawValues);
    }

    /** As above, to any PreferencePair topic (e.g. tralign.preferences.online). */
    static void write(EmbeddedStack stack, Topic<String, PreferencePair> topic, List<PreferencePair> pairs,
            int partitions, List<byte[]> rawValues) {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                PreferencePair pair = pairs.get(i);
                sent.add(producer.send(new ProducerRecord<>(topic.name(), i % partitions,
                        topic.keySerde().serializer().serialize(topic.name(), pair.getId()),
                        topic.valueSerde().serializer().serialize(topic.name(), pair))));
            }
            for (byte[] raw : rawValues) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), 0, null, raw)));
            }
            for (var f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a test record was not written", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Tiny run settings over the embedded stack (V11 E32 L1 H2 T24). */
    static Map<String, String> settings(EmbeddedStack stack, String prefix, String runId, java.nio.file.Path dir) {
        Map<String, String> s = new java.util.LinkedHashMap<>();
        s.put("run.id", runId);
        s.put("bootstrap.servers", stack.bootstrapServers());
        s.put("schema.registry.url", stack.registryUrl());
        s.put("topic.prefix", prefix);
        s.put("checkpoint.dir", dir.toString());
        s.put("model.init", "fresh");
        s.put("model.embed", "32");
        s.put("model.layers", "1");
        s.put("model.heads", "2");
        s.put("model.max_seq_len", "24");
        s.put("tokenizer", "alphabet:" + ALPHABET);
        s.put("batch_size", "4");
        s.put("learning_rate", "0.001");
        s.put("sync_ref_model", "true");
        s.put("ref_model_sync_steps", "2");
        s.put("ref_model_mixup_alpha", "0.5");
        s.put("checkpoint.every_steps", "3");
        s.put("log.every_steps", "5");
        return s;
    }

    /** {@code settings} with checkpoint.store in {@code bucket} (prefix "runs") of an s3rver peer, path-style. */
    static Map<String, String> withS3Store(Map<String, String> settings, dev.tralign.stack.S3rverPeer peer,
            String bucket) {
        settings.put("checkpoint.store", "s3://" + bucket + "/runs");
        settings.put("checkpoint.s3.endpoint", peer.endpoint().toString());
        settings.put("checkpoint.s3.path_style", "true");
        settings.put("checkpoint.s3.access_key_id", dev.tralign.stack.S3rverPeer.ACCESS_KEY_ID);
        settings.put("checkpoint.s3.secret_access_key", dev.tralign.stack.S3rverPeer.SECRET_ACCESS_KEY);
        return settings;
    }
}
