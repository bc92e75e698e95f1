package dev.tralign.trainer.model.hf;

import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=indent)} byte for byte: separators ", " and ": " without
 * an indent, "," and ": " with one, keys in insertion order, non-ASCII characters as they are, control characters
 * escaped. What chat templates that print tools or arguments with {@code tojson} produce under transformers.
 */
final class PythonJson {

    private PythonJson() {
    }

    static void write(Object value, Integer indent, int depth, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof java.math.BigInteger) {
            out.append(value);
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            // Python and Java both print the shortest repr with ".0" for integral values; exponents are written
            // differently (1e-05 vs 1.0E-5) and are rare in templates, so they are only approximated.
            out.append(Double.isFinite(d) ? Double.toString(d).replace("E", "e+").replace("e+-", "e-")
                    : d > 0 ? "Infinity" : d < 0 ? "-Infinity" : "NaN");
        } else if (value instanceof Map<?, ?> map) {
            writeContainer(map.entrySet().iterator(), map.isEmpty(), '{', '}', indent, depth, out);
        } else if (value instanceof Iterable<?> list) {
            writeContainer(list.iterator(), !list.iterator().hasNext(), '[', ']', indent, depth, out);
        } else if (value instanceof Object[] array) {
            writeContainer(java.util.Arrays.asList(array).iterator(), array.length == 0, '[', ']', indent, depth,
                    out);
        } else {
            string(value.toString(), out);
        }
    }

    private static void writeContainer(Iterator<?> items, boolean empty, char open, char close, Integer indent,
            int depth, StringBuilder out) {
        out.append(open);
        if (empty) {
            out.append(close);
            return;
        }
        boolean first = true;
        while (items.hasNext()) {
            Object item = items.next();
            if (!first) {
                out.append(indent == null ? ", " : ",");
            }
            first = false;
            if (indent != null) {
                out.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            if (item instanceof Map.Entry<?, ?> e) {
                string(String.valueOf(e.getKey()), out);
                out.append(": ");
                write(e.getValue(), indent, depth + 1, out);
            } else {
                write(item, indent, depth + 1, out);
            }
        }
        if (indent != null) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
        out.append(close);
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
