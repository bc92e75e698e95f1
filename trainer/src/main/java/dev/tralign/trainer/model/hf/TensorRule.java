package dev.tralign.trainer.model.hf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one of our parameters is stored in a Hugging Face file, both ways: copied, transposed (GPT-2's Conv1D keeps
 * weights [in, out]), concatenated from several tensors along rows (separate q/k/v or gate/up projections fused
 * into one matrix here), or GPT-NeoX's fused q|k|v interleaved per head (head h's rows h*3d .. h*3d+3d hold its q,
 * k and v) reordered to all q rows, then all k, then all v.
 */
sealed interface TensorRule {

    /** Our parameter's name. */
    String ours();

    /** The Hugging Face tensors this parameter is made of. */
    List<String> sources();

    /** Builds our values from the source tensors (already read, with their stored shapes). */
    float[] load(long[] ourShape, Map<String, Source> sources);

    /** Splits our values into the Hugging Face tensors, in {@link #sources()} order. */
    Map<String, SafetensorsWriter.Tensor> save(long[] ourShape, float[] values);

    /** A read tensor. */
    record Source(long[] shape, float[] values) {
    }

    static IllegalArgumentException shapeMismatch(String name, long[] expected, long[] actual) {
        return new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(actual)
                + " but config.json implies " + Arrays.toString(expected));
    }

    /** Stored as is. */
    record Copy(String ours, String source) implements TensorRule {

        @Override
        public List<String> sources() {
            return List.of(source);
        }

        @Override
        public float[] load(long[] ourShape, Map<String, Source> sources) {
            Source s = sources.get(source);
            if (!Arrays.equals(s.shape(), ourShape)) {
                throw shapeMismatch(source, ourShape, s.shape());
            }
            return s.values();
        }

        @Override
        public Map<String, SafetensorsWriter.Tensor> save(long[] ourShape, float[] values) {
            return Map.of(source, new SafetensorsWriter.Tensor(ourShape, values));
        }
    }

    /** A 2-D tensor stored transposed (Conv1D: [in, out], y = x W + b). */
    record Transposed(String ours, String source) implements TensorRule {

        @Override
        public List<String> sources() {
            return List.of(source);
        }

        @Override
        public float[] load(long[] ourShape, Map<String, Source> sources) {
            Source s = sources.get(source);
            long[] stored = {ourShape[1], ourShape[0]};
            if (!Arrays.equals(s.shape(), stored)) {
                throw shapeMismatch(source, stored, s.shape());
            }
            return transpose(s.values(), (int) stored[0], (int) stored[1]);
        }

        @Override
        public Map<String, SafetensorsWriter.Tensor> save(long[] ourShape, float[] values) {
            return Map.of(source, new SafetensorsWriter.Tensor(new long[] {ourShape[1], ourShape[0]},
                    transpose(values, (int) ourShape[0], (int) ourShape[1])));
        }

        private static float[] transpose(float[] v, int rows, int cols) {
            float[] out = new float[v.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    out[c * rows + r] = v[r * cols + c];
                }
            }
            return out;
        }
    }

    /** Row blocks of several tensors (weights [rows_i, in] or biases [rows_i]) stacked in order. */
    record Stacked(String ours, List<String> sources, List<Long> rows) implements TensorRule {

        @Override
        public float[] load(long[] ourShape, Map<String, Source> read) {
            long rowWidth = ourShape.length == 2 ? ourShape[1] : 1;
            float[] out = new float[Math.toIntExact(ourShape[0] * rowWidth)];
            int offset = 0;
            for (int i = 0; i < sources.size(); i++) {
                Source s = read.get(sources.get(i));
                long[] expected = ourShape.length == 2 ? new long[] {rows.get(i), rowWidth} : new long[] {rows.get(i)};
                if (!Arrays.equals(s.shape(), expected)) {
                    throw shapeMismatch(sources.get(i), expected, s.shape());
                }
                System.arraycopy(s.values(), 0, out, offset, s.values().length);
                offset += s.values().length;
            }
            return out;
        }

        @Override
        public Map<String, SafetensorsWriter.Tensor> save(long[] ourShape, float[] values) {
            long rowWidth = ourShape.length == 2 ? ourShape[1] : 1;
            Map<String, SafetensorsWriter.Tensor> out = new LinkedHashMap<>();
            int offset = 0;
            for (int i = 0; i < sources.size(); i++) {
                int n = Math.toIntExact(rows.get(i) * rowWidth);
                long[] shape = ourShape.length == 2 ? new long[] {rows.get(i), rowWidth} : new long[] {rows.get(i)};
                out.put(sources.get(i), new SafetensorsWriter.Tensor(shape, Arrays.copyOfRange(values, offset,
                        offset + n)));
                offset += n;
            }
            return out;
        }
    }

    /** GPT-NeoX's per-head interleaved q|k|v (weight [3 H d, in] or bias [3 H d]). */
    record HeadInterleavedQkv(String ours, String source, int heads, int headDim) implements TensorRule {

        @Override
        public List<String> sources() {
            return List.of(source);
        }

        @Override
        public float[] load(long[] ourShape, Map<String, Source> read) {
            Source s = read.get(source);
            if (!Arrays.equals(s.shape(), ourShape)) {
                throw shapeMismatch(source, ourShape, s.shape());
            }
            return reorder(s.values(), ourShape, true);
        }

        @Override
        public Map<String, SafetensorsWriter.Tensor> save(long[] ourShape, float[] values) {
            return Map.of(source, new SafetensorsWriter.Tensor(ourShape, reorder(values, ourShape, false)));
        }

        /** Moves whole rows: stored row h*3d + part*d + j is our row part*H*d + h*d + j. */
        private float[] reorder(float[] in, long[] shape, boolean fromStored) {
            int width = shape.length == 2 ? (int) shape[1] : 1;
            float[] out = new float[in.length];
            for (int h = 0; h < heads; h++) {
                for (int part = 0; part < 3; part++) {
                    for (int j = 0; j < headDim; j++) {
                        int stored = (h * 3 + part) * headDim + j;
                        int ours = (part * heads + h) * headDim + j;
                        int from = fromStored ? stored : ours;
                        int to = fromStored ? ours : stored;
                        System.arraycopy(in, from * width, out, to * width, width);
                    }
                }
            }
            return out;
        }
    }
}
