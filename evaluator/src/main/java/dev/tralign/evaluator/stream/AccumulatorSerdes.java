package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the aggregation state (state stores and their changelogs, internal to the Streams app): a version
 * byte then the fields in fixed-width big-endian form. Not a public format; bump the version byte on change.
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
     * Serde of {@link CheckpointAggregate}: the {@link #winRate()} bytes then the {@link #kl()} bytes (fixed length,
     * so the split needs no length prefix).
     */
    public static Serde<CheckpointAggregate> checkpoint() {
        Serde<WinRateAccumulator> winRate = winRate();
        Serde<KlAccumulator> kl = kl();
        return Serdes.serdeFrom((topic, a) -> {
            if (a == null) {
                return null;
            }
            byte[] judged = winRate.serializer().serialize(topic, a.judged());
            return ByteBuffer.allocate(judged.length + KL_BYTES).put(judged)
                    .put(kl.serializer().serialize(topic, a.kl())).array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length <= KL_BYTES) {
                throw new SerializationException("CheckpointAggregate state has " + bytes.length + " bytes, too few "
                        + "for its two parts; reset the evaluator's Streams application "
                        + "(kafka-streams-application-reset) after an upgrade");
            }
            int split = bytes.length - KL_BYTES;
            return new CheckpointAggregate(
                    winRate.deserializer().deserialize(topic, java.util.Arrays.copyOfRange(bytes, 0, split)),
                    kl.deserializer().deserialize(topic, java.util.Arrays.copyOfRange(bytes, split, bytes.length)));
        });
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
