package dev.tralign.bench.ingest;

import dev.tralign.bench.BenchFlags;
import dev.tralign.ingest.file.FileImporter;
import dev.tralign.ingest.file.ImportSummary;
import dev.tralign.ingest.kafka.IngestTopicAdmin;
import dev.tralign.ingest.kafka.OutcomeRecords;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.read.FeedbackReader;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.serde.SerdeConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Ingest throughput against the plain-producer ceiling: the HH-RLHF file repeated (each copy made distinct, so
 * nothing collapses as a duplicate) to ~100k pairs, imported with {@link FileImporter} (parse, validate,
 * normalise, hash, Avro, transactions) versus the same lines sent as-is by a byte-array producer with the same
 * settings (idempotent, acks=all, no transactions). Both include reading the file. Each round runs both, in
 * alternating order; warm-up rounds (both sides) are run first and not counted, so neither side is timed
 * while the JIT is still compiling it. Beside wall-clock rates, each round reports the CPU-seconds this JVM (clients,
 * embedded broker, GC, JIT) spent on each side: on a shared machine that ratio is far steadier than the wall-clock
 * one. Every measured round's pair and the best of each side are reported.
 *
 * <p>Flags: {@link #FLAGS} ({@code tralign bench ingest --help}); here --bootstrap-servers and --registry-url are
 * required (the CLI starts an embedded stack when they are not given). --baseline avro: the plain producer sends
 * the records the import publishes, parsed and serialized once before the clock starts, without transactions, so
 * the ratio isolates what the import does beyond sending its own bytes.
 */
public final class IngestBench {

    /** Records each side handles before measuring, by default: until then the JIT is still compiling. */
    private static final int WARMUP_RECORDS = 200_000;
    private static final Path DEFAULT_INPUT = Path.of("/work/shared/data/hh-rlhf/harmless-base-test.jsonl.gz");

    private IngestBench() {
    }

    /** The flags of {@code tralign bench ingest}. */
    public static final BenchFlags FLAGS = BenchFlags.of("ingest")
            .optionalString("bootstrap-servers", "an embedded broker (CLI)", "Use this broker (e.g. a separate "
                    + "`tralign stack`, so its CPU is not counted with the clients'); needs --registry-url")
            .optionalString("registry-url", "the embedded stack's (CLI)", "The schema registry of "
                    + "--bootstrap-servers")
            .optionalString("input", "../shared/data/hh-rlhf/harmless-base-test.jsonl.gz", "HH-RLHF file")
            .integer("pairs", 100_000, 1, "Lines to ingest per round (the file repeated)")
            .integer("rounds", 2, 1, "Measured rounds, best kept")
            .optionalInteger("warmup", 0, "enough rounds for " + WARMUP_RECORDS + " records per side, at least 1",
                    "Warm-up rounds, not counted")
            .integer("transaction-records", FileImporter.DEFAULT_TRANSACTION_RECORDS, 1,
                    "Records per import transaction (the importer's default)")
            .optionalString("work-dir", "a temporary folder (java.io.tmpdir)", "Where the expanded file goes")
            .choice("sides", "both", "One side alone is for profiling it (no ratio then)", "both", "ingest",
                    "plain")
            .choice("baseline", "bytes", "The plain producer sends the file's lines (the issue's baseline) or the "
                    + "records the import publishes, serialized before the clock starts", "bytes", "avro")
            .build();

    /** Runs the benchmark and prints the report. */
    public static void main(String[] args) {
        System.out.println(BenchFlags.helpAsked(args) ? FLAGS.help() : run(args));
    }

    /** Runs the benchmark; returns the report (also the text for docs/ingest.md). */
    public static String run(String[] args) {
        BenchFlags.Values flags = FLAGS.parse(args);
        String bootstrap = required(flags, "bootstrap-servers");
        String registry = required(flags, "registry-url");
        Path input = Path.of(flags.given("input") ? flags.optionalString("input") : DEFAULT_INPUT.toString());
        int pairs = flags.integer("pairs");
        int rounds = flags.integer("rounds");
        // Measured: the import's CPU per round kept falling until ~200,000 records had gone through the JIT
        // (6.5, 4.5, 2.6, 1.8, 1.5, 1.6 CPU-seconds for six 50,000-line rounds), so warm up that long by default.
        int warmup = flags.given("warmup") ? flags.integer("warmup")
                : Math.max(1, (WARMUP_RECORDS + pairs - 1) / pairs);
        int transactionRecords = flags.integer("transaction-records");
        Path workDir = Path.of(flags.given("work-dir") ? flags.optionalString("work-dir")
                : System.getProperty("java.io.tmpdir"));
        String sides = flags.string("sides");
        String baseline = flags.string("baseline");
        if (!sides.equals("both")) {
            return oneSide(sides, baseline, bootstrap, registry, input, pairs, rounds, warmup, transactionRecords,
                    workDir);
        }
        try {
            Files.createDirectories(workDir);
            Path expanded = workDir.resolve("ingest-bench-" + pairs + ".jsonl");
            long lines = expand(input, expanded, pairs);
            long bytes = Files.size(expanded);
            double bestPlain = 0;
            double bestIngest = 0;
            List<Double> cpuRatios = new ArrayList<>();
            List<Double> parseCpu = new ArrayList<>();
            ImportSummary lastSummary = null;
            StringBuilder perRound = new StringBuilder();
            String runId = Long.toString(System.currentTimeMillis(), 36);
            ImportedRecords avro = baseline.equals("avro")
                    ? importedRecords(bootstrap, registry, expanded, "bench-" + runId + "-avro.") : null;
            for (int round = -warmup; round < rounds; round++) {
                String prefix = "bench-" + runId + "-" + (round + warmup) + ".";
                // The order alternates, so neither side always runs on the heap and page cache the other left.
                boolean plainFirst = (round + warmup) % 2 == 0;
                Measured plain = plainFirst ? baseline(bootstrap, expanded, prefix, avro) : null;
                ImportSummary[] summary = new ImportSummary[1];
                Measured ingest = importOnce(bootstrap, registry, expanded, prefix, transactionRecords, summary);
                if (!plainFirst) {
                    plain = baseline(bootstrap, expanded, prefix, avro);
                }
                lastSummary = summary[0];
                if (round < 0) {
                    continue; // warm-up: both sides' code paths get compiled; not counted
                }
                bestPlain = Math.max(bestPlain, lines / plain.seconds());
                bestIngest = Math.max(bestIngest, lines / ingest.seconds());
                double cpuRatio = plain.cpuSeconds() / ingest.cpuSeconds();
                cpuRatios.add(cpuRatio);
                parseCpu.add(ingest.parseCpuSeconds());
                perRound.append(String.format(Locale.ROOT, "  round %d: plain %,.0f, ingest %,.0f records/s: %.2fx;"
                                + " CPU-seconds (this JVM: clients and broker) plain %.2f, ingest %.2f: %.2fx"
                                + " (ingest's parse threads %.2f); GC seconds plain %.2f, ingest %.2f%n",
                        round + 1, lines / plain.seconds(), lines / ingest.seconds(),
                        plain.seconds() / ingest.seconds(), plain.cpuSeconds(), ingest.cpuSeconds(), cpuRatio,
                        ingest.parseCpuSeconds(), plain.gcSeconds(), ingest.gcSeconds()));
            }
            Files.deleteIfExists(expanded);
            cpuRatios.sort(null);
            parseCpu.sort(null);
            return String.format(Locale.ROOT, "ingest bench: %d lines (%.1f MB) of HH-RLHF, %d warm-up + %d measured "
                            + "rounds (order alternating), %,d-record transactions%n%s"
                            + "  best plain producer (%s): %,.0f records/s (%.1f MB/s)%n"
                            + "  best tralign ingest (validate + Avro + transactions): %,.0f records/s (%.1f MB/s of "
                            + "input)%n"
                            + "  ratio: %.2fx (target >= 0.80x)%n"
                            + "  CPU-cost ratio (plain CPU-seconds / ingest CPU-seconds, median of rounds): %.2fx%n"
                            + "  ingest's parse threads (parse, checks, ids, Avro): %.2f CPU-seconds per round "
                            + "(median), %.1f us per record%n"
                            + "  last import: %d accepted, %d duplicate, %d dead-lettered",
                    lines, bytes / 1e6, warmup, rounds, transactionRecords, perRound,
                    avro == null ? "the file's lines as byte arrays" : "the import's Avro records, no transactions",
                    bestPlain,
                    bestPlain * (avro == null ? bytes : avro.bytes()) / lines / 1e6, bestIngest,
                    bestIngest * bytes / lines / 1e6,
                    bestIngest / bestPlain, cpuRatios.get(cpuRatios.size() / 2), parseCpu.get(parseCpu.size() / 2),
                    parseCpu.get(parseCpu.size() / 2) * 1e6 / lines, lastSummary.accepted(),
                    lastSummary.duplicates(), lastSummary.deadLettered());
        } catch (IOException e) {
            throw new UncheckedIOException("ingest bench failed: " + e.getMessage(), e);
        }
    }

    /** Runs only one side, warm-up rounds included, and reports its rounds (for profiling that side alone). */
    private static String oneSide(String side, String baseline, String bootstrap, String registry, Path input,
            int pairs, int rounds, int warmup, int transactionRecords, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path expanded = workDir.resolve("ingest-bench-" + pairs + ".jsonl");
            long lines = expand(input, expanded, pairs);
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "ingest bench, %s side only: %d lines, "
                    + "%d warm-up + %d measured rounds%n", side, lines, warmup, rounds));
            String runId = Long.toString(System.currentTimeMillis(), 36);
            ImportedRecords avro = side.equals("plain") && baseline.equals("avro")
                    ? importedRecords(bootstrap, registry, expanded, "bench-" + runId + "-avro.") : null;
            for (int round = -warmup; round < rounds; round++) {
                String prefix = "bench-" + runId + "-" + (round + warmup) + ".";
                Measured m = side.equals("plain") ? baseline(bootstrap, expanded, prefix, avro)
                        : importOnce(bootstrap, registry, expanded, prefix, transactionRecords, new ImportSummary[1]);
                if (round >= 0) {
                    out.append(String.format(Locale.ROOT, "  round %d: %,.0f records/s, %.2f CPU-seconds (this JVM)"
                            + "%n", round + 1, lines / m.seconds(), m.cpuSeconds()));
                }
            }
            Files.deleteIfExists(expanded);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("ingest bench failed: " + e.getMessage(), e);
        }
    }

    /** Wall-clock and process CPU seconds of one side of a round. */
    private record Measured(double seconds, double cpuSeconds, double gcSeconds, double parseCpuSeconds) {
    }

    /** Time this JVM's collectors spent (pauses and concurrent cycles as they report it), in seconds. */
    private static double gcSeconds() {
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis / 1e3;
    }

    /** CPU time of this whole JVM (the clients, the embedded broker, garbage collection) in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One exactly-once import into fresh topics (created before the clock starts, as for the baseline). */
    private static Measured importOnce(String bootstrap, String registry, Path file, String prefix,
                                       int transactionRecords, ImportSummary[] summary) {
        try (Topics topics = Topics.create(prefix, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry))) {
            IngestTopicAdmin.ensureTopics(bootstrap, List.of(topics.preferences().name(), topics.feedback().name(),
                    topics.dlq().name()), FileImporter.progressTopic(topics), 1);
            long cpu = processCpuNanos();
            double gc = gcSeconds();
            long start = System.nanoTime();
            FileImporter importer = new FileImporter(bootstrap, topics, IngestLimits.DEFAULTS,
                    new PrintStream(OutputStream.nullOutputStream()), transactionRecords,
                    FileImporter.defaultProducers());
            summary[0] = importer.importFiles(List.of(file), Format.AUTO);
            return new Measured((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpu) / 1e9,
                    gcSeconds() - gc, importer.parseCpuSeconds());
        }
    }

    /**
     * The baseline side of a round, into fresh topics under {@code prefix} (created before the clock starts, as the
     * import's are): the file's lines as they are, or the import's records when given.
     */
    private static Measured baseline(String bootstrap, Path file, String prefix, ImportedRecords avro)
            throws IOException {
        if (avro == null) {
            return plainProducer(bootstrap, file, prefix + "raw-copy");
        }
        List<ProducerRecord<byte[], byte[]>> records = avro.retargeted(prefix);
        IngestTopicAdmin.ensureTopics(bootstrap, records.stream().map(ProducerRecord::topic).distinct().toList(),
                null, 1);
        return plainRecords(bootstrap, records);
    }

    /**
     * The import's records for a file, made for topics under {@code prefix}; {@code bytes} = keys plus values. They
     * stay on the heap for the whole bench (the import side's GC sees them too).
     */
    private record ImportedRecords(String prefix, List<ProducerRecord<byte[], byte[]>> records, long bytes) {

        /** The same keys and values for the same topics under another prefix. */
        List<ProducerRecord<byte[], byte[]>> retargeted(String otherPrefix) {
            return records.stream().map(r -> new ProducerRecord<>(otherPrefix + r.topic().substring(prefix.length()),
                    r.key(), r.value())).toList();
        }
    }

    /** What the import publishes for {@code file} (accepted records and dead letters), serialized once. */
    private static ImportedRecords importedRecords(String bootstrap, String registry, Path file, String prefix)
            throws IOException {
        try (Topics topics = Topics.create(prefix, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry))) {
            OutcomeRecords records = new OutcomeRecords(topics, java.time.Clock.systemUTC());
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            new FeedbackReader(new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, java.time.Clock.systemUTC()))
                    .read(file, "file:" + file.getFileName(), outcome -> out.add(records.toRecord(outcome)));
            long bytes = out.stream().mapToLong(r -> (r.key() == null ? 0 : r.key().length) + r.value().length).sum();
            return new ImportedRecords(prefix, out, bytes);
        }
    }

    /** Sends ready-made records with the baseline's producer settings; returns the time taken. */
    private static Measured plainRecords(String bootstrap, List<ProducerRecord<byte[], byte[]>> records)
            throws IOException {
        return timedPlainProducer(bootstrap, send -> records.forEach(send));
    }

    /** Sends every line as-is; returns the time taken (reading included). */
    private static Measured plainProducer(String bootstrap, Path file, String topic) throws IOException {
        IngestTopicAdmin.ensureTopics(bootstrap, List.of(topic), null, 1);
        return timedPlainProducer(bootstrap, send -> {
            try (InputStream in = Files.newInputStream(file)) {
                // The bytes of each line as they are in the file: no decoding, no copy beyond the record itself.
                byte[] buffer = new byte[1 << 16];
                ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(4096);
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    int lineStart = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            line.write(buffer, lineStart, i - lineStart);
                            send.accept(new ProducerRecord<>(topic, line.toByteArray()));
                            line.reset();
                            lineStart = i + 1;
                        }
                    }
                    line.write(buffer, lineStart, n - lineStart);
                }
                if (line.size() > 0) {
                    send.accept(new ProducerRecord<>(topic, line.toByteArray()));
                }
            }
        });
    }

    /** What a baseline run sends, through the given send. */
    @FunctionalInterface
    private interface PlainSends {
        void run(java.util.function.Consumer<ProducerRecord<byte[], byte[]>> send) throws IOException;
    }

    /**
     * Runs {@code sends} through a fresh byte-array producer with the import's settings (no transactions); the
     * clock runs from the producer's creation to its close. A record the broker refused fails the bench.
     */
    private static Measured timedPlainProducer(String bootstrap, PlainSends sends) throws IOException {
        Map<String, Object> config = new HashMap<>(FileImporter.producerConfig(bootstrap));
        // A slow machine makes the bench slow, not wrong: records wait for the broker up to 10 minutes instead of
        // Kafka's default 120 s, and send() blocks as long while the buffer is full. Finite, so a broker that never
        // answers still fails the bench with the reason rather than hanging it.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000L);
        long cpu = processCpuNanos();
        double gc = gcSeconds();
        long start = System.nanoTime();
        List<Exception> failures = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            sends.run(record -> producer.send(record, (metadata, e) -> {
                if (e != null) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
            producer.flush();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the baseline producer lost records: " + failures.get(0), failures.get(0));
        }
        return new Measured((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpu) / 1e9, gcSeconds() - gc,
                0);
    }

    /**
     * Writes copies of the input until {@code pairs} lines; copy k tags both transcripts' first Human turn with
     * "[k]" so every copy is a distinct pair with the same shape.
     */
    static long expand(Path input, Path output, int pairs) throws IOException {
        List<String> original = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(input);
             BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                     StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> !l.isBlank()).forEach(original::add);
        }
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            for (int copy = 0; written < pairs; copy++) {
                for (String line : original) {
                    if (written == pairs) {
                        break;
                    }
                    String tagged = copy == 0 ? line : line.replace("\": \"\\n\\nHuman: ", "\": \"\\n\\nHuman: [" + copy + "] ");
                    out.write(tagged);
                    out.write('\n');
                    written++;
                }
            }
        }
        return written;
    }

    private static String required(BenchFlags.Values flags, String name) {
        if (!flags.given(name)) {
            throw new IllegalArgumentException("bench ingest: --" + name + " is required here (the CLI's "
                    + "`tralign bench ingest` starts an embedded stack without it)");
        }
        return flags.optionalString(name);
    }
}
