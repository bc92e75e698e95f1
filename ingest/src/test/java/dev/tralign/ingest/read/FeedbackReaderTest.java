package dev.tralign.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.ErrorClass;
import dev.tralign.ingest.parse.FeedbackParser;
import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.ingest.parse.Origin;
import dev.tralign.ingest.parse.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackReaderTest {

    private final FeedbackReader reader = new FeedbackReader(
            new FeedbackParser(Format.AUTO, IngestLimits.DEFAULTS, Clock.systemUTC()));

    private static String good(int i) {
        return "{\"prompt\":\"question " + i + "\",\"chosen\":\"yes\",\"rejected\":\"no\"}";
    }

    private List<Outcome> read(byte[] bytes) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        reader.read(new ByteArrayInputStream(bytes), OriginFactory.forFile("in"), "test", outcomes::add);
        return outcomes;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] lines(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            text.append(good(i)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsGzipByMagicBytesWhateverTheName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("no-extension.data");
        Files.write(file, gzip(lines(5)));
        List<Outcome> outcomes = new ArrayList<>();

        reader.read(file, "file", outcomes::add);

        assertThat(outcomes).hasSize(5).allMatch(o -> o instanceof Outcome.Pair);
        assertThat(outcomes.get(4).origin()).isEqualTo(Origin.fileLine(file.toString(), 5));
    }

    @Test
    void truncatedGzipKeepsTheRecordsBeforeTheCutAndReportsTheCut() throws IOException {
        byte[] whole = gzip(lines(2000));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);

        List<Outcome> outcomes = read(cut);

        Outcome last = outcomes.get(outcomes.size() - 1);
        assertThat(last).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) last).rejection().errorClass()).isEqualTo(ErrorClass.TRUNCATED_INPUT);
        List<Outcome> before = outcomes.subList(0, outcomes.size() - 1);
        assertThat(before).hasSizeBetween(100, 1999).allMatch(o -> o instanceof Outcome.Pair);
        assertThat(last.origin().line()).isEqualTo(before.size() + 1L);
    }

    @Test
    void readsJsonArraysWithElementOrigins() throws IOException {
        String array = " \n[" + good(1) + ",\n" + good(2) + ", 17, " + good(4) + "]\n";

        List<Outcome> outcomes = read(array.getBytes(StandardCharsets.UTF_8));

        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) outcomes.get(2)).rejection().errorClass()).isEqualTo(ErrorClass.NOT_AN_OBJECT);
        assertThat(outcomes.get(2).origin().describe()).isEqualTo("in element 3");
        assertThat(outcomes.get(3)).isInstanceOf(Outcome.Pair.class);
    }

    @Test
    void brokenArraySyntaxStopsWithOneRejectionAfterTheGoodElements() throws IOException {
        String array = "[" + good(1) + "," + good(2) + ", {\"prompt\": oops}, " + good(4) + "]";

        List<Outcome> outcomes = read(array.getBytes(StandardCharsets.UTF_8));

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.subList(0, 2)).allMatch(o -> o instanceof Outcome.Pair);
        assertThat(((Outcome.Rejected) outcomes.get(2)).rejection().errorClass()).isEqualTo(ErrorClass.MALFORMED_JSON);
        assertThat(((Outcome.Rejected) outcomes.get(2)).rejection().reason()).contains("earlier elements were read");
    }

    @Test
    void unclosedArrayIsTruncatedInput() throws IOException {
        List<Outcome> outcomes = read(("[" + good(1) + "," + good(2)).getBytes(StandardCharsets.UTF_8));

        assertThat(outcomes).hasSize(3);
        assertThat(((Outcome.Rejected) outcomes.get(2)).rejection().errorClass()).isEqualTo(ErrorClass.TRUNCATED_INPUT);
    }

    @Test
    void invalidUtf8InsideAnArrayIsReported() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("[" + good(1) + ",{\"prompt\":\"a").getBytes(StandardCharsets.UTF_8));
        bytes.write(0xFF);
        bytes.writeBytes("\",\"chosen\":\"b\",\"rejected\":\"c\"}]".getBytes(StandardCharsets.UTF_8));

        List<Outcome> outcomes = read(bytes.toByteArray());

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Pair.class);
        assertThat(((Outcome.Rejected) outcomes.get(1)).rejection().errorClass()).isEqualTo(ErrorClass.INVALID_UTF8);
    }

    @Test
    void stripsUtf8BomAndCrLfAndSkipsBlankLines() throws IOException {
        byte[] text = ("\uFEFF" + good(1) + "\r\n\r\n   \n" + good(2) + "\r\n").getBytes(StandardCharsets.UTF_8);

        List<Outcome> outcomes = read(text);

        assertThat(outcomes).hasSize(2).allMatch(o -> o instanceof Outcome.Pair);
        assertThat(outcomes.get(1).origin().line()).isEqualTo(4L);
    }

    @Test
    void rejectsUtf16Files() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0xFF);
        bytes.write(0xFE);
        bytes.writeBytes(good(1).getBytes(StandardCharsets.UTF_16LE));

        List<Outcome> outcomes = read(bytes.toByteArray());

        assertThat(outcomes).hasSize(1);
        assertThat(((Outcome.Rejected) outcomes.get(0)).rejection().reason()).contains("UTF-16", "save it as UTF-8");
    }

    @Test
    void overlongLineIsSkippedWithoutBufferingItAndReadingGoesOn() throws IOException {
        FeedbackReader small = new FeedbackReader(new FeedbackParser(Format.AUTO, new IngestLimits(100, 200),
                Clock.systemUTC()));
        String huge = "{\"prompt\":\"" + "z".repeat(100_000) + "\"}";
        byte[] text = (good(1) + "\n" + huge + "\n" + good(3) + "\n").getBytes(StandardCharsets.UTF_8);
        List<Outcome> outcomes = new ArrayList<>();

        small.read(new ByteArrayInputStream(text), OriginFactory.forFile("in"), "t", outcomes::add);

        assertThat(outcomes).hasSize(3);
        var rejection = ((Outcome.Rejected) outcomes.get(1)).rejection();
        assertThat(rejection.errorClass()).isEqualTo(ErrorClass.TOO_LARGE);
        assertThat(rejection.originalBytes()).hasSize(200);
        assertThat(rejection.reason()).contains(String.valueOf(huge.length()));
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Pair.class);
    }

    @Test
    void readsAStreamLongerThanMemoryWouldAllowIfBuffered() throws IOException {
        // 200k records streamed through a generator stream: the reader must not hold them.
        long[] count = {0};
        InputStream endless = new InputStream() {
            private final byte[] record = (good(0) + "\n").getBytes(StandardCharsets.UTF_8);
            private long position;
            private final long total = record.length * 200_000L;

            @Override
            public int read() {
                return position < total ? record[(int) (position++ % record.length)] : -1;
            }
        };
        reader.read(endless, OriginFactory.forFile("gen"), "t", o -> count[0]++);
        assertThat(count[0]).isEqualTo(200_000);
    }
}
