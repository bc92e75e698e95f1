package dev.tralign.evaluator.report;

import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Bradley-Terry ranking as a terminal table and as an HTML section: a table and a forest chart (one row per
 * player, the score as a dot, the 90% bootstrap interval as a bar, the baseline's 50 as a reference line).
 */
public final class RankingView {

    /** Geometry shared with {@link RankingPng}: width, row height, plot margins. */
    static final int WIDTH = 800;
    static final int ROW = 22;
    static final int LEFT = 220;
    static final int RIGHT = 30;
    static final int TOP = 40;
    static final int BOTTOM = 40;

    private RankingView() {
    }

    /** One line per player, best first. */
    public static String consoleTable(BradleyTerryRanking ranking) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"rank", "checkpoint", "BT score %", "90% interval", "strength", "games"});
        int rank = 1;
        for (BradleyTerryRanking.Score s : ranking.scores()) {
            rows.add(new String[] {Integer.toString(rank++), s.player(), Formats.number(s.winProbability(), 1),
                Formats.number(s.low(), 1) + " - " + Formats.number(s.high(), 1), Formats.number(s.strength(), 3),
                Long.toString(s.games())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder(caption(ranking)).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < widths.length; c++) {
                String cell = rows.get(r)[c];
                String pad = " ".repeat(widths[c] - cell.length());
                out.append(c == 1 ? cell + pad : pad + cell).append(c + 1 < widths.length ? "  " : "\n");
            }
        }
        return out.toString();
    }

    /** The HTML section: heading, caption, forest chart, table. */
    public static String html(BradleyTerryRanking ranking) {
        StringBuilder html = new StringBuilder("<h2>Bradley-Terry scores</h2>\n<p>")
                .append(Html.escape(caption(ranking))).append("</p>\n").append(svg(ranking))
                .append("<table>\n<tr><th>rank</th><th>checkpoint</th><th>BT score %</th><th>90% interval %</th>")
                .append("<th>strength</th><th>games</th></tr>\n");
        int rank = 1;
        for (BradleyTerryRanking.Score s : ranking.scores()) {
            html.append(String.format(Locale.ROOT,
                    "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s - %s</td><td>%s</td><td>%d</td></tr>%n", rank++,
                    Html.escape(s.player()), Formats.number(s.winProbability(), 1), Formats.number(s.low(), 1),
                    Formats.number(s.high(), 1), Formats.number(s.strength(), 3), s.games()));
        }
        return html.append("</table>\n").toString();
    }

    private static String caption(BradleyTerryRanking ranking) {
        return String.format(Locale.ROOT, "Bradley-Terry scores (Arena-Hard's method): predicted win rate against "
                + "the %s, 90%% intervals from %d bootstrap resamples of the %d prompts (seed %d). Every game is a "
                + "checkpoint against the baseline, so a score is that checkpoint's win rate on the logit scale; "
                + "checkpoints are compared through the baseline.", ranking.anchor(), ranking.rounds(),
                ranking.groups(), ranking.seed());
    }

    /** Height of the forest chart of a ranking. */
    static int height(BradleyTerryRanking ranking) {
        return TOP + BOTTOM + ROW * ranking.scores().size();
    }

    /** The chart's title. */
    static String title(BradleyTerryRanking ranking) {
        return "Bradley-Terry score against the " + ranking.anchor() + " (90% bootstrap intervals)";
    }

    /** Forest chart: x = score 0-100, one row per player. */
    static String svg(BradleyTerryRanking ranking) {
        List<BradleyTerryRanking.Score> scores = ranking.scores();
        int height = height(ranking);
        double plot = WIDTH - LEFT - RIGHT;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "role=\"img\" aria-label=\"Bradley-Terry scores\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">%n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                WIDTH, height, WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">"
                + "%s</text>%n", WIDTH / 2, Html.escape(title(ranking))));
        for (int tick = 0; tick <= 100; tick += 25) {
            double x = LEFT + plot * tick / 100.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP - 8, x,
                    height - BOTTOM + 4, tick == 50 ? "#999999" : "#dddddd", x, height - BOTTOM + 18, tick));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">score (%%)</text>%n",
                LEFT + plot / 2, height - 8));
        for (int i = 0; i < scores.size(); i++) {
            BradleyTerryRanking.Score s = scores.get(i);
            double y = TOP + ROW * i + ROW / 2.0;
            String color = s.player().equals(ranking.anchor()) ? "#777777" : Chart.color(0);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 8, y + 4, Html.escape(s.player())));
            if (Double.isFinite(s.low()) && Double.isFinite(s.high())) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"%s\" stroke-width=\"3\"/>%n", LEFT + plot * s.low() / 100, y,
                        LEFT + plot * s.high() / 100, y, color));
            }
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" "
                    + "data-player=\"%s\" data-score=\"%s\"/>%n", LEFT + plot * s.winProbability() / 100, y, color,
                    Html.escape(s.player()), Formats.number(s.winProbability(), 3)));
        }
        return svg.append("</svg>\n").toString();
    }
}
