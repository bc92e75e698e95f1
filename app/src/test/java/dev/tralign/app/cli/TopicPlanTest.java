package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

    private static final TopicSpec RAW = new TopicSpec("t.raw", Map.of());
    private static final TopicSpec VERDICTS = new TopicSpec("t.guard-verdicts", Map.of("cleanup.policy", "compact"));
    private static final TopicSpec PREFERENCES = new TopicSpec("t.preferences", Map.of("retention.ms", "-1"));
    private static final List<TopicSpec> SPECS = List.of(RAW, VERDICTS, PREFERENCES);

    @Test
    void createsWhatIsMissingAndKeepsWhatExists() {
        TopicPlan plan = TopicPlan.of(SPECS, 6, Map.of("t.raw", new TopicPlan.Existing(6, Map.of())));

        assertThat(plan.toCreate()).containsExactly(VERDICTS, PREFERENCES);
        assertThat(plan.warnings()).isZero();
        String table = plan.table(false, Map.of());
        assertThat(table).containsPattern("t\\.raw\\s+6\\s+-\\s+exists\\n")
                .containsPattern("t\\.guard-verdicts\\s+6\\s+cleanup\\.policy=compact\\s+created\\n")
                .contains("created 2, existed 1");
        assertThat(plan.table(true, Map.of())).contains("would create\n").contains("would create 2, existed 1")
                .doesNotContain("created");
    }

    @Test
    void fewerPartitionsOrAnotherConfigIsAWarningNotAChange() {
        Map<String, String> deleting = new HashMap<>();
        deleting.put("cleanup.policy", "delete");
        TopicPlan plan = TopicPlan.of(SPECS, 6, Map.of(
                "t.raw", new TopicPlan.Existing(3, Map.of()),
                "t.guard-verdicts", new TopicPlan.Existing(8, deleting),
                "t.preferences", new TopicPlan.Existing(6, Map.of("retention.ms", "-1"))));

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.warnings()).isEqualTo(2);
        String table = plan.table(false, Map.of());
        assertThat(table).containsPattern("t\\.raw\\s+3\\s+-\\s+exists; warning: 3 partitions, fewer than the 6 asked")
                .contains("cleanup.policy=delete, not compact (not changed; kafka-configs --alter --add-config "
                        + "cleanup.policy=compact sets it)")
                .containsPattern("t\\.preferences\\s+6\\s+retention\\.ms=-1\\s+exists\\n")
                .contains("nothing to create: all 3 topics exist (2 with warnings)");
    }

    @Test
    void aFailedCreationIsNamedWithTheBrokersReason() {
        TopicPlan plan = TopicPlan.of(SPECS, 2, Map.of());

        String table = plan.table(false, Map.of("t.raw", "InvalidReplicationFactorException: 3 > 1 broker"));

        assertThat(table).contains("FAILED: InvalidReplicationFactorException: 3 > 1 broker")
                .contains("created 2, existed 0, failed 1");
    }
}
