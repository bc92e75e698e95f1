package dev.tralign.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {

    private static Chart chart(String... names) {
        List<Chart.Series> series = java.util.Arrays.stream(names)
                .map(n -> new Chart.Series(n, "#000000", List.of(0.0, 1.0), List.of(0.0, 1.0), List.of(), List.of()))
                .toList();
        return new Chart("t", "x", "y", new Chart.Axis(0, 1, List.of()), new Chart.Axis(0, 1, List.of()), series);
    }

    @Test
    void legendEntriesFollowTheirTextSoALongNameIsNotCutByTheNext() {
        Layout layout = new Layout(900, 400, chart("dpo", "tr-dpo-soft+online-with-a-long-name", "tr-dpo-hard"));
        double textEnd = layout.legendX(1) + Layout.LEGEND_SAMPLE
                + Layout.LEGEND_CHAR_WIDTH * "tr-dpo-soft+online-with-a-long-name".length();
        assertThat(layout.legendX(0)).isEqualTo(layout.plotLeft());
        assertThat(layout.legendX(2)).isGreaterThan(textEnd);
        assertThat(layout.legendX(1)).isLessThan(layout.plotLeft() + (layout.plotRight() - layout.plotLeft()) / 3);
    }

    @Test
    void namesThatDoNotFitShareTheWidthEqually() {
        String longName = "x".repeat(60);
        Layout layout = new Layout(600, 400, chart(longName, longName, longName));
        assertThat(layout.legendX(1) - layout.legendX(0)).isEqualTo((layout.plotRight() - layout.plotLeft()) / 3);
    }
}
