package dev.tralign.trainer.model;

/**
 * A tiny seeded generator whose whole state is one {@code long}, so it can be checkpointed and resumed exactly.
 * Same algorithm as {@link java.util.SplittableRandom}'s mixer (Steele, Lea, Flood 2014), kept here because
 * SplittableRandom cannot export its state. All randomness of the trainer (initialisation, sampling) comes from
 * this class, never from libtorch's global generator, so runs are bit-identical across processes.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The state to store in a checkpoint; {@code new SplitMix64(state())} continues the same stream. */
    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal (Marsaglia polar method with StrictMath, identical on every JVM). The second value of each
     * polar pair is dropped so that the generator's whole state stays the single {@code long}.
     */
    public double nextGaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        return u * m;
    }
}
