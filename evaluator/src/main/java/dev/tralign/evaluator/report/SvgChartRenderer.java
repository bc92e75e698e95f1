package dev.tralign.evaluator.report;

import java.util.List;
import java.util.Locale;

/** Draws a {@link Chart} as an inline SVG element (no scripts, no external resources). */
public final class SvgChartRenderer {

    private SvgChartRenderer() {
    }

    /** The SVG markup of the chart at the given size. */
    public static String render(Chart chart, int width, int height) {
        Layout layout = new Layout(width, height, chart);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height, width, height, Html.escape(chart.title())));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(text(width / 2.0, Layout.TITLE_Y, "middle", "bold", chart.title()));
        axes(svg, layout, chart);
        // All bands first, so no run's band veils another run's line.
        svg.append("<g class=\"bands\">\n");
        for (Chart.Series s : chart.series()) {
            band(svg, layout, s);
        }
        svg.append("</g>\n");
        for (Chart.AlertLine a : chart.alertLines()) {
            alert(svg, layout, a);
        }
        for (int i = 0; i < chart.series().size(); i++) {
            series(svg, layout, chart.series().get(i), i);
        }
        for (Chart.ChampionRing r : chart.rings()) {
            svg.append(String.format(Locale.ROOT, "<circle class=\"champion\" data-run=\"%s\" data-step=\"%d\" "
                    + "cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"><title>%s"
                    + "</title></circle>%n", Html.escape(r.runId()), r.step(), layout.px(r.x()), layout.py(r.y()),
                    Chart.RING_RADIUS, r.color(), Html.escape(r.tooltip())));
        }
        markLegend(svg, layout, chart);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void axes(StringBuilder svg, Layout l, Chart chart) {
        for (double t : chart.y().ticks()) {
            double y = l.py(t);
            svg.append(line(l.plotLeft(), y, l.plotRight(), y, "#dddddd"));
            svg.append(text(l.plotLeft() - 6, y + 4, "end", "normal", Formats.tick(t)));
        }
        for (double t : chart.x().ticks()) {
            double x = l.px(t);
            svg.append(line(x, l.plotTop(), x, l.plotBottom(), "#eeeeee"));
            svg.append(text(x, l.plotBottom() + 16, "middle", "normal", Formats.tick(t)));
        }
        svg.append(line(l.plotLeft(), l.plotBottom(), l.plotRight(), l.plotBottom(), "#333333"));
        svg.append(line(l.plotLeft(), l.plotTop(), l.plotLeft(), l.plotBottom(), "#333333"));
        svg.append(text((l.plotLeft() + l.plotRight()) / 2, l.height() - 12, "middle", "normal", chart.xLabel()));
        double midY = (l.plotTop() + l.plotBottom()) / 2;
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 16 %.1f)\">%s</text>%n", midY, midY, Html.escape(chart.yLabel())));
    }

    private static void band(StringBuilder svg, Layout l, Chart.Series s) {
        if (s.hasBand() && !s.xs().isEmpty()) {
            StringBuilder band = new StringBuilder();
            for (int i = 0; i < s.xs().size(); i++) {
                band.append(point(l.px(s.xs().get(i)), l.py(s.highs().get(i))));
            }
            for (int i = s.xs().size() - 1; i >= 0; i--) {
                band.append(point(l.px(s.xs().get(i)), l.py(s.lows().get(i))));
            }
            svg.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.15\" "
                    + "stroke=\"none\" data-run=\"%s\"/>%n", band.toString().trim(), s.color(), Html.escape(s.name())));
        }
    }

    /** A dashed line in the run's colour at the alert's x under a triangle in its severity's colour; hover: text. */
    private static void alert(StringBuilder svg, Layout l, Chart.AlertLine a) {
        double x = l.px(a.x());
        svg.append(String.format(Locale.ROOT, "<g class=\"alert\" data-run=\"%s\" data-step=\"%d\" "
                + "data-severity=\"%s\"><title>%s</title>%n", Html.escape(a.runId()), a.step(), a.severity(),
                Html.escape(a.tooltip())));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>%n", x, l.plotTop() + Layout.TRIANGLE_HEIGHT, x,
                l.plotBottom(), a.color()));
        svg.append(triangle(x, l.plotTop(), Chart.severityColor(a.severity())));
        svg.append("</g>\n");
    }

    private static String triangle(double x, double top, String color) {
        return String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\"/>%n",
                (point(x - Layout.TRIANGLE_HALF_WIDTH, top) + point(x + Layout.TRIANGLE_HALF_WIDTH, top)
                        + point(x, top + Layout.TRIANGLE_HEIGHT)).trim(), color);
    }

    private static void markLegend(StringBuilder svg, Layout l, Chart chart) {
        List<Chart.MarkLegend> entries = chart.markLegend();
        if (entries.isEmpty()) {
            return;
        }
        svg.append("<g class=\"mark-legend\">\n");
        for (int i = 0; i < entries.size(); i++) {
            Chart.MarkLegend e = entries.get(i);
            double x = l.markLegendX(i) + 9;
            if (e.ring()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"none\" "
                        + "stroke=\"%s\" stroke-width=\"2\"/>%n", x, Layout.MARK_LEGEND_Y - 4.0, e.color()));
            } else {
                svg.append(triangle(x, Layout.MARK_LEGEND_Y - Layout.TRIANGLE_HEIGHT, e.color()));
            }
            svg.append(text(l.markLegendX(i) + 22, Layout.MARK_LEGEND_Y, "start", "normal", e.label()));
        }
        svg.append("</g>\n");
    }

    private static void series(StringBuilder svg, Layout l, Chart.Series s, int index) {
        svg.append(String.format(Locale.ROOT, "<g class=\"series\" data-run=\"%s\">%n", Html.escape(s.name())));
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < s.xs().size(); i++) {
            path.append(point(l.px(s.xs().get(i)), l.py(s.ys().get(i))));
        }
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                + "stroke-width=\"2\"/>%n", path.toString().trim(), s.color()));
        for (int i = 0; i < s.xs().size(); i++) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                    l.px(s.xs().get(i)), l.py(s.ys().get(i)), s.color()));
        }
        if (!s.dashed().isEmpty()) {
            StringBuilder dashed = new StringBuilder();
            for (int i = 0; i < s.xs().size(); i++) {
                if (Double.isFinite(s.dashed().get(i))) {
                    dashed.append(point(l.px(s.xs().get(i)), l.py(s.dashed().get(i))));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"lc\" points=\"%s\" fill=\"none\" "
                    + "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>%n", dashed.toString().trim(),
                    s.color()));
        }
        double x = l.legendX(index);
        svg.append(line(x, Layout.LEGEND_Y - 4, x + 18, Layout.LEGEND_Y - 4, s.color()).replace("stroke-width=\"1\"",
                "stroke-width=\"3\""));
        svg.append(text(x + 22, Layout.LEGEND_Y, "start", "normal", s.name()));
        svg.append("</g>\n");
    }

    private static String point(double x, double y) {
        return String.format(Locale.ROOT, "%.1f,%.1f ", x, y);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"1\"/>%n", x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String anchor, String weight, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n",
                x, y, anchor, weight, Html.escape(content));
    }
}
