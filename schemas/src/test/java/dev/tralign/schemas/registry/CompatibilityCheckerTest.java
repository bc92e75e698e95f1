package dev.tralign.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityCheckerTest {

    private static final Schema V1 = schema("{\"name\":\"a\",\"type\":\"string\"}");
    private static final Schema ADD_WITH_DEFAULT = schema(
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    private static final Schema ADD_REQUIRED = schema(
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    private static final Schema RETYPED = schema("{\"name\":\"a\",\"type\":\"int\"}");

    private static Schema schema(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }

    @Test
    void backwardAcceptsAFieldWithDefaultAndRejectsARequiredOne() {
        assertThat(CompatibilityChecker.isCompatible(ADD_WITH_DEFAULT, List.of(V1), CompatibilityLevel.BACKWARD))
                .isTrue();
        List<String> problems = CompatibilityChecker.problems(ADD_REQUIRED, List.of(V1), CompatibilityLevel.BACKWARD);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains("BACKWARD").contains("b");
    }

    @Test
    void forwardAcceptsARequiredFieldOldReadersIgnore() {
        assertThat(CompatibilityChecker.isCompatible(ADD_REQUIRED, List.of(V1), CompatibilityLevel.FORWARD)).isTrue();
        assertThat(CompatibilityChecker.isCompatible(ADD_REQUIRED, List.of(V1), CompatibilityLevel.FULL)).isFalse();
        assertThat(CompatibilityChecker.isCompatible(ADD_WITH_DEFAULT, List.of(V1), CompatibilityLevel.FULL)).isTrue();
    }

    @Test
    void noneAcceptsAnything() {
        assertThat(CompatibilityChecker.isCompatible(RETYPED, List.of(V1), CompatibilityLevel.NONE)).isTrue();
        assertThat(CompatibilityChecker.isCompatible(RETYPED, List.of(V1), CompatibilityLevel.BACKWARD)).isFalse();
    }

    @Test
    void transitiveChecksEveryEarlierVersionNotOnlyTheLatest() {
        // RETYPED -> V1-with-int... build a history where only the oldest version conflicts.
        Schema intA = RETYPED;
        Schema intAWithB = schema("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
        Schema longA = schema("{\"name\":\"a\",\"type\":\"long\"}");
        List<Schema> history = List.of(V1, intA);
        assertThat(CompatibilityChecker.isCompatible(longA, history, CompatibilityLevel.BACKWARD)).isTrue();
        assertThat(CompatibilityChecker.isCompatible(longA, history, CompatibilityLevel.BACKWARD_TRANSITIVE))
                .isFalse();
        assertThat(CompatibilityChecker.isCompatible(intAWithB, List.of(intA), CompatibilityLevel.FULL_TRANSITIVE))
                .isTrue();
    }

    @Test
    void emptySubjectAcceptsTheFirstSchema() {
        assertThat(CompatibilityChecker.isCompatible(RETYPED, List.of(), CompatibilityLevel.FULL_TRANSITIVE)).isTrue();
    }

    @Test
    void parsesLevelsCaseInsensitivelyAndNamesChoicesOnError() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
                .hasMessageContaining("SIDEWAYS").hasMessageContaining("BACKWARD_TRANSITIVE");
    }
}
