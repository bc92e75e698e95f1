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

    /** Left edge of the i-th legend entry: entries share the width above the plot. */
    double legendX(int index) {
        int n = Math.max(1, chart.series().size());
        return plotLeft() + index * (plotRight() - plotLeft()) / n;
    }
}
