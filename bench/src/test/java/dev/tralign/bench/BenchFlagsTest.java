package dev.tralign.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One parser for every bench's flags: typed values with defaults, and clear refusals. */
class BenchFlagsTest {

    private static final BenchFlags FLAGS = BenchFlags.of("example")
            .integer("checkpoints", 3, 1, "Timed checkpoints")
            .integers("workers", "1,2,3", 1, "Worker counts")
            .decimal("lr", 5e-3, "Learning rate")
            .bool("parallel-reference", true, "Reference forward on a second thread")
            .optionalBool("tie", "tied for gpt2 only", "Tie the head")
            .choice("sides", "both", "Which sides", "both", "ingest", "plain")
            .optionalInteger("warmup", 0, "derived from --pairs", "Warm-up rounds")
            .string("device", "cpu", "Where it runs")
            .build();

    @Test
    void absentFlagsTakeTheirDefaults() {
        BenchFlags.Values v = FLAGS.parse();
        assertThat(v.integer("checkpoints")).isEqualTo(3);
        assertThat(v.integers("workers")).containsExactly(1, 2, 3);
        assertThat(v.decimal("lr")).isEqualTo(5e-3);
        assertThat(v.bool("parallel-reference")).isTrue();
        assertThat(v.string("sides")).isEqualTo("both");
        assertThat(v.optionalBool("tie")).isNull();
        assertThat(v.optionalInteger("warmup")).isNull();
        assertThat(v.given("checkpoints")).isFalse();
    }

    @Test
    void valuesComeSeparateOrAfterAnEqualsSign() {
        BenchFlags.Values v = FLAGS.parse("--checkpoints", "4", "--lr=3e-4", "--workers", "2", "--sides", "plain",
                "--warmup", "0", "--device", "gpu1");
        assertThat(v.integer("checkpoints")).isEqualTo(4);
        assertThat(v.given("checkpoints")).isTrue();
        assertThat(v.decimal("lr")).isEqualTo(3e-4);
        assertThat(v.integers("workers")).containsExactly(2);
        assertThat(v.string("sides")).isEqualTo("plain");
        assertThat(v.optionalInteger("warmup")).isZero();
        assertThat(v.string("device")).isEqualTo("gpu1");
    }

    @Test
    void aBooleanFlagAloneIsTrueAndTakesAnExplicitValue() {
        assertThat(FLAGS.parse("--tie").optionalBool("tie")).isTrue();
        assertThat(FLAGS.parse("--tie", "--checkpoints", "2").optionalBool("tie")).isTrue();
        assertThat(FLAGS.parse("--tie", "false").optionalBool("tie")).isFalse();
        assertThat(FLAGS.parse("--parallel-reference=false").bool("parallel-reference")).isFalse();
        assertThat(FLAGS.parse("--parallel-reference", "FALSE", "--checkpoints", "2").bool("parallel-reference"))
                .isFalse();
    }

    @Test
    void anUnknownFlagNamesItselfTheBenchTheClosestFlagAndTheValidOnes() {
        assertThatThrownBy(() -> FLAGS.parse("--checkpoint", "4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bench example: unknown flag --checkpoint (did you mean '--checkpoints'?)")
                .hasMessageContaining("valid flags: --checkpoints --workers --lr --parallel-reference --tie --sides "
                        + "--warmup --device")
                .hasMessageContaining("tralign bench example --help");
        // Nothing close: no guess, still the list.
        assertThatThrownBy(() -> FLAGS.parse("--judgments", "10")).hasMessageContaining("unknown flag --judgments;")
                .hasMessageNotContaining("did you mean").hasMessageContaining("valid flags: --checkpoints");
    }

    @Test
    void aBadValueNamesTheFlagAndTheExpectedType() {
        assertThatThrownBy(() -> FLAGS.parse("--checkpoints", "four"))
                .hasMessageContaining("bench example: --checkpoints=four is not an int: give a whole number");
        assertThatThrownBy(() -> FLAGS.parse("--lr", "fast")).hasMessageContaining("--lr=fast is not a number");
        assertThatThrownBy(() -> FLAGS.parse("--tie=maybe")).hasMessageContaining("--tie=maybe is not a boolean");
        assertThatThrownBy(() -> FLAGS.parse("--checkpoints", "0"))
                .hasMessageContaining("--checkpoints=0 is too small: it must be >= 1");
        assertThatThrownBy(() -> FLAGS.parse("--workers", "1,x"))
                .hasMessageContaining("--workers=1,x: 'x' is not a whole number");
        assertThatThrownBy(() -> FLAGS.parse("--workers", "0,1")).hasMessageContaining("each must be >= 1");
        assertThatThrownBy(() -> FLAGS.parse("--sides", "plian"))
                .hasMessageContaining("--sides=plian is not one of both|ingest|plain (did you mean 'plain'?)");
    }

    @Test
    void aMissingValueAStrayWordOrARepeatedFlagIsRefused() {
        assertThatThrownBy(() -> FLAGS.parse("--checkpoints"))
                .hasMessageContaining("--checkpoints needs a value (a whole number such as 16)");
        assertThatThrownBy(() -> FLAGS.parse("--checkpoints", "--lr", "1"))
                .hasMessageContaining("--checkpoints needs a value");
        assertThatThrownBy(() -> FLAGS.parse("4")).hasMessageContaining("unexpected argument '4'");
        assertThatThrownBy(() -> FLAGS.parse("--checkpoints", "4", "--checkpoints=5"))
                .hasMessageContaining("--checkpoints is given twice");
    }

    @Test
    void negativeNumbersAreValuesNotFlags() {
        BenchFlags flags = BenchFlags.of("signed").decimal("beta", 0.1, "beta").build();
        assertThat(flags.parse("--beta", "-0.5").decimal("beta")).isEqualTo(-0.5);
    }

    @Test
    void helpListsEveryDeclaredFlagWithTypeDefaultAndMeaning() {
        String help = FLAGS.help();
        assertThat(help).startsWith("Flags of bench example");
        for (String name : FLAGS.names()) {
            assertThat(help).contains(name);
        }
        assertThat(help).contains("  --checkpoints INT (default: 3)\n      Timed checkpoints\n",
                "--workers LIST (default: 1,2,3)", "--sides STRING (default: both)\n      Which sides (both|ingest|plain)",
                "--warmup INT (default: derived from --pairs)\n      Warm-up rounds",
                "--tie BOOLEAN (default: tied for gpt2 only)");
        // Long meanings are wrapped under their flag, within 80 columns.
        BenchFlags wordy = BenchFlags.of("wordy").integer("n", 1, 1, "word ".repeat(40).trim()).build();
        assertThat(wordy.help().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80))
                .filteredOn(line -> line.contains("word word")).hasSizeGreaterThan(1)
                .allSatisfy(line -> assertThat(line).startsWith("      word"));
        assertThat(BenchFlags.helpAsked("--steps", "3", "--help")).isTrue();
        assertThat(BenchFlags.helpAsked("--steps", "3")).isFalse();
    }

    @Test
    void readingAnUndeclaredOrUnsetOptionalFlagIsAProgrammingError() {
        BenchFlags.Values v = FLAGS.parse();
        assertThatThrownBy(() -> v.integer("steps")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("declares no flag --steps");
        assertThatThrownBy(() -> v.integer("warmup")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--warmup has no default");
    }
}
