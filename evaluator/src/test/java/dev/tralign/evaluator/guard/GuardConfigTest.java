package dev.tralign.evaluator.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardConfigTest {

    @Test
    void readsGuardKeysOverTheDefaults() {
        GuardConfig config = GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "64", GuardConfig.KL_BUDGET, "12.5",
                GuardConfig.OSCILLATION_WINDOW, "8", "other.key", "ignored"));

        assertThat(config.evalPrompts()).isEqualTo(64);
        assertThat(config.klBudget()).isEqualTo(12.5);
        assertThat(config.hasKlBudget()).isTrue();
        assertThat(config.oscillationWindow()).isEqualTo(8);
        assertThat(config.oscillationSignChanges()).isEqualTo(GuardConfig.defaults(1).oscillationSignChanges());
        assertThat(GuardConfig.defaults(64).hasKlBudget()).isFalse();
    }

    @Test
    void badSettingsNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.KL_BUDGET, "3")))
                .hasMessageContaining("guard.eval_prompts is required");
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "8", "guard.kl_budjet", "3")))
                .hasMessageContaining("unknown guard key 'guard.kl_budjet' (did you mean 'guard.kl_budget'?)");
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "8", GuardConfig.KL_BUDGET, "-1")))
                .hasMessageContaining("guard.kl_budget=-1.0 is out of range");
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "8",
                GuardConfig.OSCILLATION_SIGN_CHANGES, "9")))
                .hasMessageContaining("guard.kl_oscillation.sign_changes=9").hasMessageContaining("window - 2 = 4");
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "8",
                GuardConfig.REFERENCE_TASK_RISE, "0")))
                .hasMessageContaining("guard.reference_task.rise=0.0 is out of range: use a positive number of nats "
                        + "per token");
        assertThatThrownBy(() -> GuardConfig.of(Map.of(GuardConfig.EVAL_PROMPTS, "eight")))
                .hasMessageContaining("guard.eval_prompts=eight is not an int");
    }
}
