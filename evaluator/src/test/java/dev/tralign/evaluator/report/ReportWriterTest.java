package dev.tralign.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    /** Two runs, steps 100..300, KL 1..6 (tr-dpo's step 100 unmeasured); GuardSectionTest marks them too. */
    static final List<RunSeries> RUNS = List.of(
            new RunSeries("dpo-seed1", List.of(
                    new WinRatePoint(200, 60.0, 50.0, 69.0, 2.5, 100),
                    new WinRatePoint(100, 55.0, 45.0, 64.0, 1.0, 100),
                    new WinRatePoint(300, 48.0, 38.0, 58.0, 6.0, 100))),
            new RunSeries("tr-dpo <soft>", List.of(
                    new WinRatePoint(100, 52.0, 42.0, 61.0, null, 100),
                    new WinRatePoint(200, 66.0, 56.0, 74.0, 2.0, 100))));

    @TempDir
    Path dir;

    @Test
    void writesHtmlAndPngsThatNameEveryRun() throws IOException {
        ReportWriter.Report report = ReportWriter.write(dir.resolve("out"), "TR-DPO vs DPO", RUNS);

        String html = Files.readString(report.html());
        assertThat(html).startsWith("<!DOCTYPE html>").contains("dpo-seed1", "tr-dpo &lt;soft&gt;")
                .doesNotContain("tr-dpo <soft>").contains("<svg")
                .as("self-contained: no scripts, no linked resources").doesNotContain("<script", "src=", "href=");
        assertThat(html.split("<svg", -1)).hasSize(3);
        for (Path png : List.of(report.winRateByStepPng(), report.winRateByKlPng())) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png + " decodes").isNotNull();
            assertThat(image.getWidth()).isEqualTo(ReportWriter.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ReportWriter.HEIGHT);
        }
        assertThat(report.consoleTable()).contains("dpo-seed1", "tr-dpo <soft>");
    }

    @Test
    void showsTheLengthControlledWinRateAndTheBradleyTerrySection() throws IOException {
        List<RunSeries> runs = List.of(new RunSeries("dpo", List.of(
                new WinRatePoint(100, 70.0, 60.0, 78.0, 2.0, 100, 57.25),
                new WinRatePoint(200, 75.0, 66.0, 82.0, 4.0, 100, null),
                new WinRatePoint(300, 74.0, 65.0, 81.0, 5.0, 100, 61.0))));
        List<dev.tralign.evaluator.ranking.Game> games = new java.util.ArrayList<>();
        for (int p = 0; p < 100; p++) {
            games.add(new dev.tralign.evaluator.ranking.Game("dpo@100", "SFT baseline", p < 70 ? 1 : 0, "p" + p));
            games.add(new dev.tralign.evaluator.ranking.Game("dpo@200", "SFT baseline", p < 75 ? 1 : 0, "p" + p));
        }
        dev.tralign.evaluator.ranking.BradleyTerryRanking ranking =
                dev.tralign.evaluator.ranking.BradleyTerryRanking.of(games, "SFT baseline", 50, 42);

        ReportWriter.Report report = ReportWriter.write(dir.resolve("bt"), "LC and BT", runs,
                java.util.Optional.of(ranking));

        String html = Files.readString(report.html());
        assertThat(html).contains("<th>LC win rate %</th>", "<td>57.3</td>", "Bradley-Terry scores",
                "data-player=\"dpo@200\"", "50 bootstrap resamples of the 100 prompts (seed 42)");
        assertThat(html.split("<svg", -1)).hasSize(4);
        // The step chart draws the LC as a dashed companion line through the points that have one.
        assertThat(html).contains("(dashed: length-controlled)").containsOnlyOnce("<polyline class=\"lc\"");
        // The PNG draws it too: along the dashed segment from (100, 57.25) to (300, 61.0), dashes in the colour.
        BufferedImage png = ImageIO.read(report.winRateByStepPng().toFile());
        Layout layout = new Layout(ReportWriter.WIDTH, ReportWriter.HEIGHT, Chart.winRateVsStep(runs));
        int colour = Integer.parseInt(Chart.color(0).substring(1), 16);
        int onLine = 0;
        for (int step = 110; step <= 290; step += 2) {
            double y = 57.25 + (61.0 - 57.25) * (step - 100) / 200.0;
            int px = (int) Math.round(layout.px(step));
            int py = (int) Math.round(layout.py(y));
            boolean hit = false;
            for (int dy = -1; dy <= 1; dy++) {
                hit |= Pixels.near(png.getRGB(px, py + dy), colour); // antialiased: the colour, or close to it
            }
            onLine += hit ? 1 : 0;
        }
        assertThat(onLine).as("samples on the dashed LC line (91 taken, dashes cover about 60%)").isBetween(35, 85);
        BufferedImage rankingPng = ImageIO.read(report.bradleyTerryPng().orElseThrow().toFile());
        assertThat(rankingPng.getWidth()).isEqualTo(800);
        // Row 0 is dpo@200: its dot at x = 75% of the plot, in the first series colour.
        int rowY = 40 + 22 / 2;
        int dotX = (int) Math.round(220 + (800 - 220 - 30) * ranking.scores().get(0).winProbability() / 100);
        assertThat(rankingPng.getRGB(dotX, rowY) & 0xffffff).isEqualTo(Integer.parseInt(Chart.color(0).substring(1), 16));
        assertThat(ReportWriter.write(dir.resolve("no-bt"), "t", runs).bradleyTerryPng()).isEmpty();
        assertThat(report.consoleTable()).contains("LC win rate %", "57.3", "BT score %", "dpo@200", "75.0",
                "SFT baseline");
        // Best first: dpo@200 (75%) above dpo@100 (70%) above the baseline (50%).
        assertThat(report.consoleTable().indexOf("dpo@200")).isLessThan(report.consoleTable().lastIndexOf("dpo@100"));
    }

    @Test
    void pngDrawsEachRunInItsColour() {
        BufferedImage image = PngChartRenderer.render(Chart.winRateVsStep(RUNS), 800, 420);
        // The first run's point at step 100 (x-axis 100..300) sits at the plot's left edge, y = 55%.
        Chart chart = Chart.winRateVsStep(RUNS);
        Layout layout = new Layout(800, 420, chart);
        int rgb = image.getRGB((int) Math.round(layout.px(100)), (int) Math.round(layout.py(55.0))) & 0xffffff;
        assertThat(rgb).isEqualTo(Integer.parseInt(Chart.color(0).substring(1), 16));
        assertThat(Pixels.darkPixels(image, 0, 8, 800, 26)).as("the title is drawn, in a visible colour").isPositive();
    }



    @Test
    void consoleTableHasOneSortedRowPerCheckpoint() {
        String[] lines = ConsoleTable.render(RUNS).split("\n");
        assertThat(lines).hasSize(2 + 5);
        assertThat(lines[2]).startsWith("dpo-seed1").contains(" 100 ").contains("55.0").contains("45.0 - 64.0");
        assertThat(lines[4]).contains(" 300 ").contains("6.00");
        assertThat(lines[5]).startsWith("tr-dpo <soft>").endsWith("100").contains(" - ");
        assertThat(lines[5]).matches(".*\\s-\\s+100$");
    }

    @Test
    void klChartSkipsPointsWithoutKl() {
        Chart chart = Chart.winRateVsKl(RUNS);
        assertThat(chart.series().get(0).xs()).containsExactly(1.0, 2.5, 6.0);
        assertThat(chart.series().get(1).xs()).containsExactly(2.0);
        assertThat(chart.x().min()).isLessThanOrEqualTo(0.0);
        assertThat(chart.x().max()).isGreaterThanOrEqualTo(6.0);
    }

    @Test
    void axesCoverTheDataWithRoundTicks() {
        Chart.Axis axis = Chart.Axis.covering(100, 300);
        assertThat(axis.min()).isEqualTo(100.0);
        assertThat(axis.max()).isEqualTo(300.0);
        assertThat(axis.ticks()).containsExactly(100.0, 150.0, 200.0, 250.0, 300.0);
        assertThat(axis.fraction(200)).isCloseTo(0.5, within(1e-12));
        Chart.Axis single = Chart.Axis.covering(5, 5);
        assertThat(single.min()).isLessThan(5.0);
        assertThat(single.max()).isGreaterThan(5.0);
    }

    @Test
    void svgEscapesRunNamesAndHasOneGroupPerRun() {
        String svg = SvgChartRenderer.render(Chart.winRateVsStep(RUNS), 800, 420);
        assertThat(svg).contains("data-run=\"dpo-seed1\"", "data-run=\"tr-dpo &lt;soft&gt;\"")
                .doesNotContain("tr-dpo <soft>");
        assertThat(svg.split("class=\"series\"", -1)).hasSize(3);
        assertThat(svg.split("<polygon", -1)).as("one interval band per run").hasSize(3);
    }
}
