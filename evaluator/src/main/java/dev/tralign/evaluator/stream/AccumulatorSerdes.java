package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.winrate.LengthJudgment;
import dev.tralign.evaluator.winrate.LengthJudgments;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the aggregation state (state stores and their changelogs, internal to the Streams app): a version
 * byte then the fields in big-endian form. Not a public format; bump the version byte on change.
 */
public final class AccumulatorSerdes {

    private static final byte VERSION = 1;
    private static final int WIN_RATE_BYTES = 1 + 3 * Long.BYTES + 2 * Double.BYTES + Long.BYTES + Double.BYTES;
    private static final int KL_BYTES = 1 + Long.BYTES + Double.BYTES + Long.BYTES;

    private AccumulatorSerdes() {
    }

    /** Serde of {@link WinRateAccumulator}. */
    public static Serde<WinRateAccumulator> winRate() {
        return Serdes.serdeFrom((topic, a) -> a == null ? null : ByteBuffer.allocate(WIN_RATE_BYTES)
                .put(VERSION)
                .putLong(a.nWins()).putLong(a.nWinsBase()).putLong(a.nDraws())
                .putDouble(a.sum()).putDouble(a.sumSquares())
                .putLong(a.nScored()).putDouble(a.scoreSum())
                .array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer in = checked(bytes, WIN_RATE_BYTES, "WinRateAccumulator");
                return new WinRateAccumulator(in.getLong(), in.getLong(), in.getLong(), in.getDouble(),
                        in.getDouble(), in.getLong(), in.getDouble());
            });
    }

    /** Serde of {@link KlAccumulator}. */
    public static Serde<KlAccumulator> kl() {
        return Serdes.serdeFrom((topic, a) -> a == null ? null : ByteBuffer.allocate(KL_BYTES)
                .put(VERSION).putLong(a.samples()).putDouble(a.sumLogRatio()).putLong(a.tokens())
                .array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer in = checked(bytes, KL_BYTES, "KlAccumulator");
                return new KlAccumulator(in.getLong(), in.getDouble(), in.getLong());
            });
    }

    /**
     * Serde of {@link CheckpointAggregate}: the {@link #winRate()} bytes, the {@link #kl()} bytes (both fixed
     * length), then the per-prompt lengths: a version byte, a count, and per prompt its id (length-prefixed
     * UTF-8), both lengths and the preference (NaN = missing). State written before lengths were kept has no third
     * part and reads with none; {@link Records#lengthControlled} then reports no LC for that step until its
     * judgments are aggregated again.
     */
    public static Serde<CheckpointAggregate> checkpoint() {
        Serde<WinRateAccumulator> winRate = winRate();
        Serde<KlAccumulator> kl = kl();
        return Serdes.serdeFrom((topic, a) -> {
            if (a == null) {
                return null;
            }
            byte[] judged = winRate.serializer().serialize(topic, a.judged());
            byte[] lengths = lengths(a.lengths());
            return ByteBuffer.allocate(judged.length + KL_BYTES + lengths.length).put(judged)
                    .put(kl.serializer().serialize(topic, a.kl())).put(lengths).array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < WIN_RATE_BYTES + KL_BYTES) {
                throw new SerializationException("CheckpointAggregate state has " + bytes.length + " bytes, too few "
                        + "for its parts; reset the evaluator's Streams application "
                        + "(kafka-streams-application-reset) after an upgrade");
            }
            int klEnd = WIN_RATE_BYTES + KL_BYTES;
            return new CheckpointAggregate(
                    winRate.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, 0, WIN_RATE_BYTES)),
                    kl.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, WIN_RATE_BYTES, klEnd)),
                    bytes.length == klEnd ? LengthJudgments.EMPTY : lengths(bytes, klEnd));
        });
    }

    private static byte[] lengths(LengthJudgments lengths) {
        Map<String, LengthJudgment> byPrompt = lengths.byPrompt();
        List<byte[]> ids = new ArrayList<>(byPrompt.size());
        int size = 1 + Integer.BYTES;
        for (String promptId : byPrompt.keySet()) {
            byte[] id = promptId.getBytes(StandardCharsets.UTF_8);
            ids.add(id);
            size += Integer.BYTES + id.length + 2 * Long.BYTES + Double.BYTES;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putInt(byPrompt.size());
        int i = 0;
        for (LengthJudgment j : byPrompt.values()) {
            byte[] id = ids.get(i++);
            out.putInt(id.length).put(id).putLong(j.candidateLength()).putLong(j.baselineLength())
                    .putDouble(j.preference());
        }
        return out.array();
    }

    private static LengthJudgments lengths(byte[] bytes, int offset) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
            byte version = in.get();
            if (version != VERSION) {
                throw new SerializationException("CheckpointAggregate lengths have version " + version
                        + ", expected " + VERSION + "; reset the evaluator's Streams application "
                        + "(kafka-streams-application-reset) after an upgrade");
            }
            int count = in.getInt();
            Map<String, LengthJudgment> byPrompt = new HashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[in.getInt()];
                in.get(id);
                byPrompt.put(new String(id, StandardCharsets.UTF_8),
                        new LengthJudgment(in.getLong(), in.getLong(), in.getDouble()));
            }
            return LengthJudgments.of(byPrompt);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SerializationException("CheckpointAggregate lengths are truncated or corrupt (" + e
                    + "); reset the evaluator's Streams application (kafka-streams-application-reset)", e);
        }
    }

    private static ByteBuffer checked(byte[] bytes, int expectedLength, String type) {
        if (bytes.length != expectedLength || bytes[0] != VERSION) {
            throw new SerializationException(type + " state has " + bytes.length + " bytes and version "
                    + (bytes.length > 0 ? bytes[0] : -1) + ", expected " + expectedLength + " and " + VERSION
                    + "; reset the evaluator's Streams application (kafka-streams-application-reset) after an upgrade");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        return in;
    }
}
