package dev.tralign.ingest.file;

import dev.tralign.ingest.kafka.ImportProgress;
import dev.tralign.ingest.kafka.ImportProgressStore;
import dev.tralign.ingest.kafka.IngestTopicAdmin;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.ContentIds;
import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Rejection;
import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Imports feedback files into Kafka exactly once, even across crashes.
 *
 * <p>Each file is identified by its sha256. Records go out in Kafka transactions of at most
 * {@code transactionRecords} records; each transaction also writes (file sha256 -> last line) to the compacted
 * progress topic. A re-run from the start reads the committed progress, re-reads the already published lines
 * only to rebuild the duplicate filter, and publishes from the next line on. The producer's transactional.id is
 * derived from the file hash, so the re-run fences a crashed run and aborts its open transaction: read_committed
 * consumers see every record once, with no gaps.
 */
public final class FileImporter {

    /**
     * Records per transaction unless configured. Each commit stalls the producer (flush, EndTxn, and the next
     * transaction's first send waits for the commit markers), so transactions are large: 20,000 HH records are
     * ~28 MB and well under a second of work to redo after a crash.
     */
    public static final int DEFAULT_TRANSACTION_RECORDS = 20_000;

    /** bootstrap.servers plus any client settings (security) every producer, consumer and admin client gets. */
    private final Map<String, Object> clientSettings;
    private final Topics topics;
    private final IngestLimits limits;
    private final Clock clock;
    private final PrintStream progressOut;
    private final int transactionRecords;
    private final int parseThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;
    /** CPU the parse threads spent (parse, checks, ids, Avro) over this importer's imports: the bench reports it. */
    private final java.util.concurrent.atomic.AtomicLong parseCpuNanos = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param bootstrapServers   Kafka bootstrap servers
     * @param topics             topic names and serdes (their registry client registers the schemas)
     * @param limits             size limits
     * @param progressOut        where progress lines and the summary go (stderr for the CLI)
     * @param transactionRecords records per transaction (option --transaction-records)
     * @param producerFactory    builds the producer from its config; tests wrap it to simulate crashes
     */
    public FileImporter(String bootstrapServers, Topics topics, IngestLimits limits, PrintStream progressOut,
                        int transactionRecords, Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers,
                "bootstrapServers")), topics, limits, progressOut, transactionRecords, producerFactory);
    }

    /**
     * An importer whose Kafka clients all get {@code clientSettings}: bootstrap.servers and any security settings
     * (SASL, TLS) of the cluster.
     */
    public FileImporter(Map<String, Object> clientSettings, Topics topics, IngestLimits limits, PrintStream progressOut,
                        int transactionRecords, Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory) {
        if (!clientSettings.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("client settings need bootstrap.servers");
        }
        this.clientSettings = Map.copyOf(clientSettings);
        this.topics = Objects.requireNonNull(topics, "topics");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Clock.systemUTC();
        this.progressOut = Objects.requireNonNull(progressOut, "progressOut");
        if (transactionRecords < 1) {
            throw new IllegalArgumentException("--transaction-records must be at least 1, was " + transactionRecords);
        }
        this.transactionRecords = transactionRecords;
        this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
    }

    /** An importer with real Kafka producers and the default transaction size. */
    public FileImporter(String bootstrapServers, Topics topics, IngestLimits limits, PrintStream progressOut) {
        this(bootstrapServers, topics, limits, progressOut, DEFAULT_TRANSACTION_RECORDS, defaultProducers());
    }

    /** The producer factory of real use: a KafkaProducer of bytes. */
    public static Function<Map<String, Object>, Producer<byte[], byte[]>> defaultProducers() {
        return config -> new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The entry point for {@code tralign ingest file}: imports with default limits, prints the summary. */
    /**
     * Imports with full client settings (bootstrap.servers + security) and registry client settings
     * (schema.registry.url + auth); prints the summary on stderr.
     */
    public static ImportSummary run(Map<String, Object> clientSettings, Map<String, Object> registrySettings,
                                    List<Path> files, Format format) {
        return run(clientSettings, registrySettings, files, format, IngestLimits.DEFAULTS);
    }

    /** The same with the size limits of --max-text-bytes and --max-record-bytes. */
    public static ImportSummary run(Map<String, Object> clientSettings, Map<String, Object> registrySettings,
                                    List<Path> files, Format format, IngestLimits limits) {
        try (Topics topics = Topics.create(Topics.DEFAULT_PREFIX, registrySettings)) {
            ImportSummary summary = new FileImporter(clientSettings, topics, limits, System.err,
                    DEFAULT_TRANSACTION_RECORDS, defaultProducers()).importFiles(files, format);
            System.err.println(summary.render());
            return summary;
        }
    }

    public static ImportSummary run(String bootstrapServers, String registryUrl, List<Path> files, Format format) {
        try (Topics topics = Topics.create(registryUrl)) {
            ImportSummary summary = new FileImporter(bootstrapServers, topics, IngestLimits.DEFAULTS, System.err)
                    .importFiles(files, format);
            System.err.println(summary.render());
            return summary;
        }
    }

    /** The compacted topic holding (file sha256 -> committed position). */
    public static String progressTopic(Topics topics) {
        return topics.prefix() + "ingest-progress";
    }

    /**
     * Imports the files in order; duplicates are detected across all of them.
     *
     * @throws IllegalArgumentException if a file is missing or unreadable (nothing is published then)
     */
    public ImportSummary importFiles(List<Path> files, Format format) {
        for (Path file : files) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read input file '" + file + "': check the path and its "
                        + "permissions");
            }
        }
        long start = System.nanoTime();
        String progressTopic = progressTopic(topics);
        // Each file's sha256 (its identity) is computed on its own thread while the file is already being parsed:
        // only publishing waits for it (the transactional id and the committed progress depend on it).
        ExecutorService hasher = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "tralign-ingest-sha256");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<String>> hashes = files.stream()
                    .map(file -> CompletableFuture.supplyAsync(() -> sha256(file), hasher)).toList();
            IngestTopicAdmin.ensureTopics(clientSettings, List.of(topics.specOf(topics.preferences()),
                    topics.specOf(topics.feedback()), topics.specOf(topics.dlq())), progressTopic, 1);
            Map<String, ImportProgress> committed = new ImportProgressStore(clientSettings, progressTopic).readAll();
            FeedbackReader reader = new FeedbackReader(new FeedbackParser(format, limits, clock));
            OutcomeRecords records = new OutcomeRecords(topics, clock);
            Set<String> seenIds = new HashSet<>();
            List<FileSummary> summaries = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                summaries.add(importFile(files.get(i), hashes.get(i), committed, reader, records, seenIds,
                        progressTopic));
            }
            return new ImportSummary(summaries, (System.nanoTime() - start) / 1e9);
        } finally {
            hasher.shutdownNow();
        }
    }

    private FileSummary importFile(Path file, CompletableFuture<String> sha, Map<String, ImportProgress> committed,
                                   FeedbackReader reader, OutcomeRecords records, Set<String> seenIds,
                                   String progressTopic) {
        FileRun run = new FileRun(file, sha, committed, seenIds, progressTopic);
        try {
            try (OrderedParallelParse<PreparedRecord> parses = new OrderedParallelParse<>(parseThreads, 256,
                    outcome -> PreparedRecord.of(outcome, records), run::accept, sha::isDone)) {
                reader.readDeferred(file, "file:" + file.getFileName(), parses::submit);
                parses.finish();
                parseCpuNanos.addAndGet(parses.taskCpuNanos());
            }
            run.finish();
            return run.summary();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + file + "': " + e.getMessage(), e);
        } finally {
            run.close();
        }
    }

    /** CPU-seconds the parse threads spent on parsing, checking, hashing and serializing, over every import so far. */
    public double parseCpuSeconds() {
        return parseCpuNanos.get() / 1e9;
    }

    /** The transactional producer of one file: its transactional.id is derived from the file's sha256. */
    private Producer<byte[], byte[]> transactionalProducer(String sha) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.putAll(producerConfig((String) clientSettings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tralign-ingest-" + sha.substring(0, 32));
        Producer<byte[], byte[]> producer = producerFactory.apply(config);
        try {
            producer.initTransactions();
            return producer;
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    /** Producer settings shared by the importer and the benchmark's baseline. */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024,
                // Kafka's default 100 ms made initTransactions() and the first send after each commit (answered
                // CONCURRENT_TRANSACTIONS while the commit's markers are written) wait 100 ms each; 10 ms still
                // backs off exponentially up to retry.backoff.max.ms (1 s) against a broker that is down.
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    }

    /** The state of one file's import: counters, the open transaction, progress printing. */
    private final class FileRun {
        private final Path file;
        private final CompletableFuture<String> shaFuture;
        private final Map<String, ImportProgress> committed;
        private final Set<String> seenIds;
        private final String progressTopic;
        private final Map<ErrorClass, Long> byErrorClass = new EnumMap<>(ErrorClass.class);
        private final List<String> sampleReasons = new ArrayList<>();
        private final long startNanos = System.nanoTime();
        private long accepted;
        private long duplicates;
        private long deadLettered;
        private long published;
        private long inTransaction;
        private long lastPosition;
        private boolean transactionOpen;
        private long nextReportNanos = System.nanoTime() + 1_000_000_000L;
        /** Known once the file's sha256 is: set by {@link #start()} before the first record is classified. */
        private String sha;
        private ImportProgress prior;
        private Producer<byte[], byte[]> producer;

        FileRun(Path file, CompletableFuture<String> sha, Map<String, ImportProgress> committed, Set<String> seenIds,
                String progressTopic) {
            this.file = file;
            this.shaFuture = sha;
            this.committed = committed;
            this.seenIds = seenIds;
            this.progressTopic = progressTopic;
        }

        /** Waits for the file's sha256, looks up its committed progress and opens its transactional producer. */
        private void start() {
            try {
                sha = shaFuture.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            prior = committed.getOrDefault(sha, ImportProgress.none(file.toString()));
            producer = transactionalProducer(sha);
        }

        /** Called in file order with each parsed and serialized record. */
        void accept(PreparedRecord prepared) {
            if (producer == null) {
                start();
            }
            long position = prepared.position();
            boolean alreadyPublished = position <= prior.position();
            boolean send = classify(prepared);
            if (!alreadyPublished) {
                if (!transactionOpen) {
                    producer.beginTransaction();
                    transactionOpen = true;
                }
                if (send) {
                    producer.send(prepared.record());
                    published++;
                }
                lastPosition = position;
                if (++inTransaction >= transactionRecords) {
                    commit(false);
                }
            }
            reportProgress();
        }

        /** Counts the outcome; true if it must be published (not a duplicate). */
        private boolean classify(PreparedRecord prepared) {
            Rejection rejection = prepared.rejection();
            if (rejection != null) {
                deadLettered++;
                byErrorClass.merge(rejection.errorClass(), 1L, Long::sum);
                if (sampleReasons.size() < 10) {
                    sampleReasons.add(rejection.describe());
                }
                return true;
            }
            if (seenIds.add(prepared.id())) {
                accepted++;
                return true;
            }
            duplicates++;
            return false;
        }

        void finish() {
            if (producer == null) {
                start();
            }
            if (!prior.complete()) {
                commit(true);
            }
            report("done");
        }

        private void commit(boolean complete) {
            if (!transactionOpen) {
                producer.beginTransaction();
                transactionOpen = true;
            }
            long position = Math.max(lastPosition, prior.position());
            producer.send(new ProducerRecord<>(progressTopic, sha.getBytes(StandardCharsets.UTF_8),
                    new ImportProgress(file.toString(), position, complete).toJson()));
            producer.commitTransaction();
            transactionOpen = false;
            inTransaction = 0;
        }

        private void reportProgress() {
            long now = System.nanoTime();
            if (now >= nextReportNanos) {
                nextReportNanos = now + 1_000_000_000L;
                report("reading");
            }
        }

        private void report(String state) {
            long records = accepted + duplicates + deadLettered;
            double seconds = Math.max((System.nanoTime() - startNanos) / 1e9, 1e-9);
            progressOut.printf(Locale.ROOT, "[ingest] %s %s: %d records, %d accepted, %d duplicate, %d dead-lettered,"
                    + " %.0f records/s%n", state, file.getFileName(), records, accepted, duplicates, deadLettered,
                    records / seconds);
        }

        void close() {
            if (producer != null) {
                producer.close();
            }
        }

        FileSummary summary() {
            return new FileSummary(file, sha, accepted, duplicates, deadLettered, published,
                    Map.copyOf(byErrorClass), List.copyOf(sampleReasons));
        }
    }

    private static String sha256(Path file) {
        MessageDigest digest = ContentIds.newDigest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + file + "': " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
