package dev.tralign.evaluator.report;

/**
 * Pixel geometry of a chart of a given size, shared by the SVG and PNG renderers so both draw the same picture.
 *
 * @param width image width
 * @param height image height
 * @param chart the chart
 */
record Layout(int width, int height, Chart chart) {

    static final int LEFT = 64;
    static final int RIGHT = 24;
    static final int TOP = 64;
    static final int BOTTOM = 52;
    static final int TITLE_Y = 22;
    static final int LEGEND_Y = 44;
    /** An alert's triangle: half its width and its height, pointing down from the plot's top edge. */
    static final double TRIANGLE_HALF_WIDTH = 5;
    static final double TRIANGLE_HEIGHT = 8;
    /** Baseline of the guard marks' legend, a second row under the runs' one (only on charts with marks). */
    static final int MARK_LEGEND_Y = 58;

    Layout {
        if (width < LEFT + RIGHT + 50 || height < TOP + BOTTOM + 50) {
            throw new IllegalArgumentException("chart size " + width + "x" + height + " is too small; use at least "
                    + (LEFT + RIGHT + 50) + "x" + (TOP + BOTTOM + 50));
        }
    }

    double plotLeft() {
        return LEFT;
    }

    double plotRight() {
        return width - RIGHT;
    }

    double plotTop() {
        return TOP;
    }

    double plotBottom() {
        return height - BOTTOM;
    }

    double px(double x) {
        return plotLeft() + chart.x().fraction(x) * (plotRight() - plotLeft());
    }

    double py(double y) {
        return plotBottom() - chart.y().fraction(y) * (plotBottom() - plotTop());
    }

    /** Estimated advance of one legend character at the renderers' 11-12 px sans-serif. */
    static final double LEGEND_CHAR_WIDTH = 7;
    /** Line sample (18 px) and the gap before the text (4 px). */
    static final double LEGEND_SAMPLE = 22;
    static final double LEGEND_GAP = 18;

    /**
     * Left edge of the i-th legend entry. Entries follow each other at the width of their text, so long run names
     * (e.g. "tr-dpo-soft+online") are not cut by the next entry; when they do not all fit on the line, entries share
     * the width equally as before.
     */
    double legendX(int index) {
        java.util.List<Chart.Series> series = chart.series();
        double x = plotLeft();
        double total = 0;
        for (Chart.Series s : series) {
            total += legendWidth(s.name());
        }
        if (total > plotRight() - plotLeft()) {
            int n = Math.max(1, series.size());
            return plotLeft() + index * (plotRight() - plotLeft()) / n;
        }
        for (int i = 0; i < index; i++) {
            x += legendWidth(series.get(i).name());
        }
        return x;
    }

    /** Left edge of the i-th entry of {@link Chart#markLegend()}: a few short labels, one after the other. */
    double markLegendX(int index) {
        double x = plotLeft();
        for (int i = 0; i < index; i++) {
            x += legendWidth(chart.markLegend().get(i).label());
        }
        return x;
    }

    private static double legendWidth(String text) {
        return LEGEND_SAMPLE + LEGEND_CHAR_WIDTH * text.length() + LEGEND_GAP;
    }
}
