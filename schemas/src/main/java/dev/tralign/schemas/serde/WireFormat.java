package dev.tralign.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: one magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary body.
 * Pure functions, so the framing rules are unit-tested on their own.
 */
public final class WireFormat {

    /** The only magic byte Confluent has defined. */
    public static final byte MAGIC = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the 5-byte header for a schema id. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC).putInt(schemaId).array();
    }

    /**
     * Reads the schema id from a framed record, rejecting bytes that are not in Confluent's format.
     *
     * @param topic named in the error so a dead letter says where the bad record came from
     * @throws SerializationException saying what is wrong with the bytes
     */
    public static int schemaId(String topic, byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("record on topic '" + topic + "' is " + data.length
                    + " bytes, too short for the Confluent wire format (magic byte 0 + 4-byte schema id + Avro body)");
        }
        if (data[0] != MAGIC) {
            throw new SerializationException("record on topic '" + topic + "' starts with byte 0x"
                    + String.format("%02x", data[0] & 0xff) + ", not magic byte 0x00: it was not written by a "
                    + "Confluent-format Avro serializer" + hint(data[0]));
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        if (id <= 0) {
            throw new SerializationException("record on topic '" + topic + "' names schema id " + id
                    + "; registry ids start at 1, so the header is corrupt");
        }
        return id;
    }

    private static String hint(byte first) {
        return first == '{' || first == '[' ? " (it looks like JSON text: produce JSON to the raw topic instead)" : "";
    }
}
