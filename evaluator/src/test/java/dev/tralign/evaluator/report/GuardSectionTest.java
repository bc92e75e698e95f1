package dev.tralign.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.ModelPromotion;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class GuardSectionTest {

    /** Steps 100..300 on the step chart; KL 0..6 on the KL chart (tr-dpo's step 100 has no KL). */
    private static final List<RunSeries> RUNS = ReportWriterTest.RUNS;

    // Hand-computed pixel positions in an 800x420 chart: the plot spans x 64..776 and y 368 (0%) .. 64 (100%).
    private static final double STEP_200_X = 64 + 712 * 0.5;
    private static final double STEP_150_X = 64 + 712 * 0.25;
    private static final double STEP_300_X = 776;
    private static final double KL_2_5_X = 64 + 712 * 2.5 / 6;
    private static final double WIN_48_Y = 368 - 304 * 0.48;
    private static final double WIN_52_Y = 368 - 304 * 0.52;

    @TempDir
    Path dir;

    @Test
    void listsChampionsAndAlertsEscapedInTheReport() {
        ModelPromotion first = ModelPromotion.newBuilder(promotion("dpo", "dpo", 80))
                .setEvidence(Map.of("win_rate", 75.0, "kl_to_sft", 8.31, "better", 20.0, "worse", 4.0,
                        "p_value", 0.0035)).build();
        ModelPromotion second = ModelPromotion.newBuilder(first).setRunId("dpo<2>").setStep(40)
                .setPreviousRunId("dpo").setPreviousStep(80L).build();
        Alert alert = alert("dpo", 220, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL,
                "KL to SFT 16.26 nats is over the budget 15.00 & more");

        String html = ReportWriter.html("t", List.of(), Optional.empty());
        String withGuard = new GuardSection(List.of(alert), List.of(first, second)).html();

        assertThat(html).doesNotContain("Guard rails");
        assertThat(withGuard).contains("<h2>Guard rails</h2>")
                .contains("<td>dpo</td><td>dpo</td><td>80</td><td>75.0</td><td>8.31</td><td>20 / 4</td>"
                        + "<td>0.00350</td><td>SFT</td>")
                .contains("<td>dpo&lt;2&gt;</td><td>40</td>").contains("<td>dpo @ 80</td>")
                .contains("<td>dpo</td><td>220</td><td>KL_BUDGET</td><td>CRITICAL</td>")
                .contains("over the budget 15.00 &amp; more");
        assertThat(new GuardSection(List.of(), List.of()).html()).contains("<td>none</td>");
    }

    @Test
    void htmlChartsMarkEachAlertAtItsStepAndRingEachFamilysCurrentChampion() throws Exception {
        ReportWriter.Report report = ReportWriter.write(dir, "t", RUNS, Optional.empty(), Optional.of(guard()));

        String html = Files.readString(report.html());
        assertThat(html).contains("Guard marks: a dashed line in the run's colour");
        List<Element> svgs = svgs(html);
        Element byStep = svgs.get(0);
        Element byKl = svgs.get(1);
        // Step chart: both alerts of dpo-seed1 at step 200 are one mark, critical (the worse of the two); the loss
        // alert between checkpoints is at its step; the uncharted run's alert is not drawn.
        assertThat(alertMarks(byStep)).containsExactly(
                String.format("dpo-seed1@200 x=%.1f CRITICAL", STEP_200_X),
                String.format("tr-dpo <soft>@150 x=%.1f WARNING", STEP_150_X));
        String tooltip = child(group(byStep, "alert", 0), "title").getTextContent();
        assertThat(tooltip.split("\n")).containsExactly(
                "KL_BUDGET (CRITICAL) at step 200: KL to SFT 7.1 nats is over the budget 6.0",
                "KL_OSCILLATION (WARNING) at step 200: KL changed direction 3 times");
        // dpo's current champion is its last promotion (step 300, not 100); tr-dpo's is drawn where it has no KL.
        assertThat(rings(byStep)).containsExactly(
                String.format("dpo-seed1@300 (%.1f, %.1f)", STEP_300_X, WIN_48_Y),
                String.format("tr-dpo <soft>@100 (%.1f, %.1f)", 64.0, WIN_52_Y));
        assertThat(child(group(byStep, "champion", 0), "title").getTextContent())
                .isEqualTo("champion of dpo: dpo-seed1 at step 300");
        // KL chart: marks sit at their checkpoint's KL; nothing for steps without a charted checkpoint.
        assertThat(alertMarks(byKl)).containsExactly(String.format("dpo-seed1@200 x=%.1f CRITICAL", KL_2_5_X));
        assertThat(rings(byKl)).containsExactly(String.format("dpo-seed1@300 (%.1f, %.1f)", STEP_300_X, WIN_48_Y));
        assertThat(legend(byStep)).containsExactly("critical alert", "warning alert",
                "family champion");
        assertThat(legend(byKl)).containsExactly("critical alert", "family champion");
    }

    @Test
    void pngChartsDrawTheSameMarks() throws Exception {
        ReportWriter.Report marked = ReportWriter.write(dir.resolve("marked"), "t", RUNS, Optional.empty(),
                Optional.of(guard()));
        ReportWriter.Report plain = ReportWriter.write(dir.resolve("plain"), "t", RUNS);
        BufferedImage withMarks = ImageIO.read(marked.winRateByStepPng().toFile());
        BufferedImage without = ImageIO.read(plain.winRateByStepPng().toFile());
        int blue = rgb(Chart.color(0));

        // The triangles at the top of the plot, in their severity's colour, at their steps' columns only.
        int triangleY = 64 + 3;
        assertThat(withMarks.getRGB(px(STEP_200_X), triangleY) & 0xffffff).isEqualTo(rgb("#C00000"));
        assertThat(withMarks.getRGB(px(STEP_150_X), triangleY) & 0xffffff).isEqualTo(rgb("#E69F00"));
        assertThat(without.getRGB(px(STEP_200_X), triangleY) & 0xffffff).isNotEqualTo(rgb("#C00000"));
        assertThat(withMarks.getRGB(px(STEP_200_X) - 40, triangleY) & 0xffffff).isNotEqualTo(rgb("#C00000"));
        // The dashed line below the critical triangle, in dpo-seed1's colour: dashes 4 on 3 off over ~290 rows.
        assertThat(rowsNear(withMarks, px(STEP_200_X), blue) - rowsNear(without, px(STEP_200_X), blue))
                .as("dashed rows in the run's colour at step 200").isBetween(120, 200);
        assertThat(rowsNear(withMarks, px(STEP_200_X) - 40, blue) - rowsNear(without, px(STEP_200_X) - 40, blue))
                .as("no line elsewhere").isZero();
        // dpo-seed1's champion ring: its top, 7 px above the step-300 point, is in the run's colour.
        assertThat(Pixels.near(withMarks.getRGB(px(STEP_300_X), px(WIN_48_Y - Chart.RING_RADIUS)), blue)).isTrue();
        assertThat(Pixels.near(without.getRGB(px(STEP_300_X), px(WIN_48_Y - Chart.RING_RADIUS)), blue)).isFalse();
        // The marks' legend row (baseline 58) has text only when there are marks.
        assertThat(Pixels.darkPixels(withMarks, 64, 49, 776, 60)).isPositive();
        assertThat(Pixels.darkPixels(without, 64, 49, 776, 60)).isZero();
    }

    @Test
    void chartsWithoutMarksOfTheirRunsAreUnchanged() throws Exception {
        GuardSection elsewhere = new GuardSection(
                List.of(alert("other", 200, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL, "not charted")),
                List.of(promotion("other", "other", 200)));
        ReportWriter.Report plain = ReportWriter.write(dir.resolve("plain"), "t", RUNS);
        ReportWriter.Report guarded = ReportWriter.write(dir.resolve("guarded"), "t", RUNS, Optional.empty(),
                Optional.of(elsewhere));

        String plainHtml = Files.readString(plain.html());
        String guardedHtml = Files.readString(guarded.html());
        assertThat(guardedHtml.substring(0, guardedHtml.indexOf("<h2>Guard rails</h2>")))
                .isEqualTo(plainHtml.substring(0, plainHtml.indexOf("</body>")));
        assertThat(plainHtml).doesNotContain("class=\"alert\"", "class=\"champion\"", "mark-legend");
        assertThat(Files.readAllBytes(guarded.winRateByStepPng())).isEqualTo(Files.readAllBytes(
                plain.winRateByStepPng()));
        assertThat(Files.readAllBytes(guarded.winRateByKlPng())).isEqualTo(Files.readAllBytes(plain.winRateByKlPng()));
    }

    @Test
    void aReportOfSomeRunsKeepsTheirAlertsAndTheWholeHistoryOfTheirFamilies() {
        Alert mine = alert("dpo-seed1", 200, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL, "over");
        Alert theirs = alert("ipo", 200, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL, "over");
        ModelPromotion first = promotion("dpo", "dpo-seed1", 100);
        // dpo-seed2 (not in the report) took over: it stays the family's champion, listed, not marked.
        ModelPromotion second = ModelPromotion.newBuilder(promotion("dpo", "dpo-seed2", 200))
                .setPreviousRunId("dpo-seed1").setPreviousStep(100L).build();
        ModelPromotion other = promotion("ipo", "ipo", 100);

        GuardSection section = GuardSection.ofRuns(List.of("dpo-seed1"), List.of(mine, theirs),
                List.of(first, other, second));

        assertThat(section.alerts()).containsExactly(mine);
        assertThat(section.promotions()).containsExactly(first, second);
        assertThat(section.markers().champions()).containsExactly(
                new GuardMarkers.ChampionAt("dpo", "dpo-seed2", 200));
        assertThat(Chart.winRateVsStep(RUNS, section.markers()).rings()).isEmpty();
    }

    private static GuardSection guard() {
        return new GuardSection(List.of(
                alert("dpo-seed1", 200, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL,
                        "KL to SFT 7.1 nats is over the budget 6.0"),
                alert("tr-dpo <soft>", 150, AlertKind.LOSS_DIVERGENCE, AlertSeverity.WARNING, "loss rising"),
                alert("other", 250, AlertKind.KL_BUDGET, AlertSeverity.CRITICAL, "a run not in the report"),
                alert("dpo-seed1", 200, AlertKind.KL_OSCILLATION, AlertSeverity.WARNING,
                        "KL changed direction 3 times")),
                List.of(promotion("dpo", "dpo-seed1", 100), promotion("tr", "tr-dpo <soft>", 100),
                        promotion("dpo", "dpo-seed1", 300)));
    }

    private static Alert alert(String run, long step, AlertKind kind, AlertSeverity severity, String message) {
        return Alert.newBuilder().setRunId(run).setStep(step).setKind(kind).setSeverity(severity)
                .setMessage(message).setEvidence(Map.of()).setAt(Instant.EPOCH).build();
    }

    private static ModelPromotion promotion(String family, String run, long step) {
        return ModelPromotion.newBuilder().setFamily(family).setRunId(run).setStep(step).setEvidence(Map.of())
                .setAt(Instant.EPOCH).build();
    }

    /** The page's inline SVG charts, parsed as XML. */
    private static List<Element> svgs(String html) throws Exception {
        List<Element> svgs = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            svgs.add(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))).getDocumentElement());
        }
        return svgs;
    }

    private static List<Element> elements(Element svg, String tag, String cssClass) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = svg.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (e.getAttribute("class").equals(cssClass)) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element group(Element svg, String cssClass, int index) {
        return elements(svg, cssClass.equals("alert") ? "g" : "circle", cssClass).get(index);
    }

    private static Element child(Element parent, String tag) {
        return (Element) parent.getElementsByTagName(tag).item(0);
    }

    /** "run@step x=X SEVERITY" per alert mark, checking that its line and triangle share the x. */
    private static List<String> alertMarks(Element svg) {
        return elements(svg, "g", "alert").stream().map(g -> {
            Element line = child(g, "line");
            assertThat(line.getAttribute("x2")).isEqualTo(line.getAttribute("x1"));
            assertThat(line.getAttribute("stroke-dasharray")).isNotEmpty();
            String apex = child(g, "polygon").getAttribute("points").split(" ")[2];
            assertThat(apex).startsWith(line.getAttribute("x1") + ",");
            return g.getAttribute("data-run") + "@" + g.getAttribute("data-step") + " x=" + line.getAttribute("x1")
                    + " " + g.getAttribute("data-severity");
        }).toList();
    }

    private static List<String> rings(Element svg) {
        return elements(svg, "circle", "champion").stream().map(c -> c.getAttribute("data-run") + "@"
                + c.getAttribute("data-step") + " (" + c.getAttribute("cx") + ", " + c.getAttribute("cy") + ")")
                .toList();
    }

    private static List<String> legend(Element svg) {
        List<Element> groups = elements(svg, "g", "mark-legend");
        if (groups.isEmpty()) {
            return List.of();
        }
        NodeList texts = groups.get(0).getElementsByTagName("text");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            labels.add(texts.item(i).getTextContent());
        }
        return labels;
    }

    private static int px(double coordinate) {
        return (int) Math.floor(coordinate);
    }

    private static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }

    /** Rows of the plot (below the triangles) where the column, or a neighbour, is close to the colour. */
    private static int rowsNear(BufferedImage image, int x, int colour) {
        int rows = 0;
        for (int y = 64 + 9; y < 368; y++) {
            boolean hit = false;
            for (int dx = -1; dx <= 1; dx++) {
                hit |= Pixels.near(image.getRGB(x + dx, y), colour);
            }
            rows += hit ? 1 : 0;
        }
        return rows;
    }


}
