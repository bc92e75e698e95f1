package dev.tralign.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** The reused encoder writes exactly the bytes of Avro's own encoder (plus the Confluent header). */
class ArrayBinaryEncoderTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<PreferencePair> serializer = new AvroSerializer<>(registry);

    /** The serializer's former path: header, then Avro's direct encoder over a stream. */
    private byte[] reference(String topic, PreferencePair pair) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(WireFormat.header(registry.latest(topic + "-value").id()));
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<PreferencePair>(PreferencePair.getClassSchema()).write(pair, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PreferencePair pair(String prompt, String chosen, String rejected, Map<String, String> metadata) {
        return PreferencePair.newBuilder().setId("id").setPrompt(prompt).setChosen(chosen).setRejected(rejected)
                .setSource("").setCreatedAt(Instant.ofEpochMilli(-1)).setAnnotator(prompt.isEmpty() ? null : "a")
                .setScoreMargin(prompt.length() % 2 == 0 ? null : -0.0).setMetadata(metadata).build();
    }

    /** Random text over ASCII, controls, 2- and 3-byte characters, surrogate pairs and lone surrogates. */
    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(8)) {
                case 0 -> text.append((char) random.nextInt(0x80));
                case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> text.append((char) (0x800 + random.nextInt(0xD800 - 0x800)));
                case 3 -> text.append((char) (0xE000 + random.nextInt(0x2000)));
                case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                case 5 -> text.append((char) (0xD800 + random.nextInt(0x800))); // lone (or accidental pair)
                default -> text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.toString();
    }

    @Test
    void randomTextsGiveTheSameBytesAsAvrosEncoder() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Map<String, String> metadata = new LinkedHashMap<>();
            for (int k = random.nextInt(3); k > 0; k--) {
                metadata.put(randomText(random, random.nextInt(10)), randomText(random, random.nextInt(100)));
            }
            PreferencePair pair = pair(randomText(random, random.nextInt(200)), randomText(random,
                    random.nextInt(5000)), randomText(random, random.nextInt(20)), metadata);
            assertThat(serializer.serialize("t", pair)).isEqualTo(reference("t", pair));
        }
    }

    @Test
    void lengthPrefixBoundariesAndMultiByteTextsThatNeedALongerPrefix() {
        for (int length : new int[] {1, 63, 64, 65, 2730, 2731, 4095, 4096, 8191, 8192, 8193, 349_525, 349_526}) {
            for (String unit : new String[] {"a", "é", "中", "\uD83D\uDE00", "\uD800", "\uDC00x"}) {
                String text = unit.repeat(Math.max(1, length / unit.length()));
                PreferencePair pair = pair(text, text + "!", "x" + text, Map.of(text, text));
                assertThat(serializer.serialize("t", pair)).as("%s x %d", unit, length)
                        .isEqualTo(reference("t", pair));
            }
        }
        // After a huge record the thread's buffer shrinks back; small records still come out right.
        PreferencePair small = pair("p", "c", "r", Map.of());
        assertThat(serializer.serialize("t", small)).isEqualTo(reference("t", small));
    }

    @Test
    void everyPrimitiveMatchesAvrosDirectEncoder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder direct = EncoderFactory.get().directBinaryEncoder(out, null);
        ArrayBinaryEncoder array = new ArrayBinaryEncoder();
        array.startRecord(7);
        out.write(WireFormat.header(7));
        for (BinaryEncoder encoder : List.of(direct, array)) {
            encoder.writeNull();
            encoder.writeBoolean(true);
            encoder.writeBoolean(false);
            for (int n : new int[] {0, 1, -1, 63, 64, -64, -65, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                encoder.writeInt(n);
            }
            for (long n : new long[] {0, -1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}) {
                encoder.writeLong(n);
            }
            encoder.writeFloat(Float.NaN);
            encoder.writeFloat(-1.5f);
            encoder.writeDouble(Double.NEGATIVE_INFINITY);
            encoder.writeDouble(Math.PI);
            encoder.writeBytes(new byte[] {1, 2, 3});
            encoder.writeBytes(ByteBuffer.wrap(new byte[] {4, 5}));
            encoder.writeBytes(new byte[0]);
            encoder.writeFixed(new byte[] {6, 7, 8, 9}, 1, 2);
            encoder.writeFixed(ByteBuffer.wrap(new byte[] {10, 11}));
            encoder.writeEnum(3);
            encoder.writeIndex(1);
            encoder.writeArrayStart();
            encoder.setItemCount(2);
            encoder.startItem();
            encoder.writeString("");
            encoder.startItem();
            encoder.writeString(new org.apache.avro.util.Utf8("utf8 ü"));
            encoder.writeArrayEnd();
            encoder.writeMapStart();
            encoder.setItemCount(0);
            encoder.writeMapEnd();
            encoder.writeString((CharSequence) new StringBuilder("sb ∑"));
            encoder.flush();
        }
        assertThat(array.toByteArray()).isEqualTo(out.toByteArray());
    }

    @Test
    void threadsSerializingAtOnceEachGetTheirOwnRecord() throws Exception {
        serializer.serialize("t", pair("warm", "up", "!", Map.of())); // registers the schema
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                Callable<Void> task = () -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 500; i++) {
                        PreferencePair pair = pair(randomText(random, random.nextInt(300)),
                                randomText(random, random.nextInt(3000)), "r" + seed, Map.of());
                        assertThat(serializer.serialize("t", pair)).isEqualTo(reference("t", pair));
                    }
                    return null;
                };
                results.add(pool.submit(task));
            }
            for (Future<Void> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
