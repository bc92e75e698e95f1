package dev.tralign.ingest.read;

import dev.tralign.ingest.parse.Origin;

/** Builds the origin of the n-th record (1-based) of a stream, for line-oriented and array input. */
public interface OriginFactory {

    /** Origin of 1-based line n of JSON-lines input. */
    Origin line(long n);

    /** Origin of 1-based element n of a JSON array. */
    Origin element(long n);

    /** Origins inside a file. */
    static OriginFactory forFile(String file) {
        return new OriginFactory() {
            @Override
            public Origin line(long n) {
                return Origin.fileLine(file, n);
            }

            @Override
            public Origin element(long n) {
                return Origin.fileElement(file, n);
            }
        };
    }

    /** Origins inside an HTTP request body (0-based record index, whatever the layout). */
    static OriginFactory forRequest(String requestId) {
        return new OriginFactory() {
            @Override
            public Origin line(long n) {
                return Origin.http(requestId, Math.toIntExact(n - 1));
            }

            @Override
            public Origin element(long n) {
                return Origin.http(requestId, Math.toIntExact(n - 1));
            }
        };
    }
}
