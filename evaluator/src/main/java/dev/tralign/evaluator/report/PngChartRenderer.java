package dev.tralign.evaluator.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Draws a {@link Chart} into a PNG with java.awt on an off-screen image (works headless, no display). */
public final class PngChartRenderer {

    private PngChartRenderer() {
    }

    /** The chart as an image of the given size. */
    public static BufferedImage render(Chart chart, int width, int height) {
        Layout layout = new Layout(width, height, chart);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PngCanvas.titled(image, chart.title(), Layout.TITLE_Y);
        try {
            axes(g, layout, chart);
            // All bands first, so no run's band veils another run's line.
            for (Chart.Series s : chart.series()) {
                band(g, layout, s);
            }
            for (Chart.AlertLine a : chart.alertLines()) {
                alert(g, layout, a);
            }
            for (int i = 0; i < chart.series().size(); i++) {
                series(g, layout, chart.series().get(i), i);
            }
            g.setStroke(new BasicStroke(2f));
            for (Chart.ChampionRing r : chart.rings()) {
                g.setColor(Color.decode(r.color()));
                g.draw(circle(layout.px(r.x()), layout.py(r.y()), Chart.RING_RADIUS));
            }
            markLegend(g, layout, chart);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders and writes a PNG file. */
    public static void write(Chart chart, int width, int height, Path file) throws IOException {
        PngCanvas.write(render(chart, width, height), file);
    }

    private static void axes(Graphics2D g, Layout l, Chart chart) {
        g.setStroke(new BasicStroke(1f));
        for (double t : chart.y().ticks()) {
            double y = l.py(t);
            g.setColor(new Color(0xdddddd));
            g.draw(new Line2D.Double(l.plotLeft(), y, l.plotRight(), y));
            g.setColor(Color.DARK_GRAY);
            String label = Formats.tick(t);
            g.drawString(label, (float) (l.plotLeft() - 6 - g.getFontMetrics().stringWidth(label)), (float) (y + 4));
        }
        for (double t : chart.x().ticks()) {
            double x = l.px(t);
            g.setColor(new Color(0xeeeeee));
            g.draw(new Line2D.Double(x, l.plotTop(), x, l.plotBottom()));
            g.setColor(Color.DARK_GRAY);
            PngCanvas.centred(g, Formats.tick(t), x, l.plotBottom() + 16);
        }
        g.setColor(new Color(0x333333));
        g.draw(new Line2D.Double(l.plotLeft(), l.plotBottom(), l.plotRight(), l.plotBottom()));
        g.draw(new Line2D.Double(l.plotLeft(), l.plotTop(), l.plotLeft(), l.plotBottom()));
        PngCanvas.centred(g, chart.xLabel(), (l.plotLeft() + l.plotRight()) / 2, l.height() - 12);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, 16, (l.plotTop() + l.plotBottom()) / 2);
        PngCanvas.centred(g, chart.yLabel(), 16, (l.plotTop() + l.plotBottom()) / 2);
        g.setTransform(saved);
    }

    private static void band(Graphics2D g, Layout l, Chart.Series s) {
        Color color = Color.decode(s.color());
        if (s.hasBand() && !s.xs().isEmpty()) {
            Path2D.Double band = new Path2D.Double();
            band.moveTo(l.px(s.xs().get(0)), l.py(s.highs().get(0)));
            for (int i = 1; i < s.xs().size(); i++) {
                band.lineTo(l.px(s.xs().get(i)), l.py(s.highs().get(i)));
            }
            for (int i = s.xs().size() - 1; i >= 0; i--) {
                band.lineTo(l.px(s.xs().get(i)), l.py(s.lows().get(i)));
            }
            band.closePath();
            g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 38));
            g.fill(band);
        }
    }

    /** As {@link SvgChartRenderer}: a dashed line in the run's colour under a triangle in its severity's colour. */
    private static void alert(Graphics2D g, Layout l, Chart.AlertLine a) {
        double x = l.px(a.x());
        g.setColor(Color.decode(a.color()));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f},
                0f));
        g.draw(new Line2D.Double(x, l.plotTop() + Layout.TRIANGLE_HEIGHT, x, l.plotBottom()));
        triangle(g, x, l.plotTop(), Chart.severityColor(a.severity()));
    }

    private static void triangle(Graphics2D g, double x, double top, String color) {
        Path2D.Double triangle = new Path2D.Double();
        triangle.moveTo(x - Layout.TRIANGLE_HALF_WIDTH, top);
        triangle.lineTo(x + Layout.TRIANGLE_HALF_WIDTH, top);
        triangle.lineTo(x, top + Layout.TRIANGLE_HEIGHT);
        triangle.closePath();
        g.setColor(Color.decode(color));
        g.fill(triangle);
    }

    private static Ellipse2D circle(double x, double y, double radius) {
        return new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius);
    }

    private static void markLegend(Graphics2D g, Layout l, Chart chart) {
        List<Chart.MarkLegend> entries = chart.markLegend();
        for (int i = 0; i < entries.size(); i++) {
            Chart.MarkLegend e = entries.get(i);
            double x = l.markLegendX(i) + 9;
            if (e.ring()) {
                g.setColor(Color.decode(e.color()));
                g.setStroke(new BasicStroke(2f));
                g.draw(circle(x, Layout.MARK_LEGEND_Y - 4.0, 5));
            } else {
                triangle(g, x, Layout.MARK_LEGEND_Y - Layout.TRIANGLE_HEIGHT, e.color());
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(e.label(), (float) (l.markLegendX(i) + 22), Layout.MARK_LEGEND_Y);
        }
    }

    private static void series(Graphics2D g, Layout l, Chart.Series s, int index) {
        Color color = Color.decode(s.color());
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < s.xs().size(); i++) {
            g.draw(new Line2D.Double(l.px(s.xs().get(i - 1)), l.py(s.ys().get(i - 1)), l.px(s.xs().get(i)),
                    l.py(s.ys().get(i))));
        }
        for (int i = 0; i < s.xs().size(); i++) {
            g.fill(new Ellipse2D.Double(l.px(s.xs().get(i)) - 3, l.py(s.ys().get(i)) - 3, 6, 6));
        }
        if (!s.dashed().isEmpty()) {
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
                    0f));
            Double previousX = null;
            double previousY = 0;
            for (int i = 0; i < s.xs().size(); i++) {
                double y = s.dashed().get(i);
                if (!Double.isFinite(y)) {
                    continue;
                }
                if (previousX != null) {
                    g.draw(new Line2D.Double(l.px(previousX), l.py(previousY), l.px(s.xs().get(i)), l.py(y)));
                }
                previousX = s.xs().get(i);
                previousY = y;
            }
        }
        double x = l.legendX(index);
        g.setStroke(new BasicStroke(3f));
        g.draw(new Line2D.Double(x, Layout.LEGEND_Y - 4, x + 18, Layout.LEGEND_Y - 4));
        g.setColor(Color.DARK_GRAY);
        g.drawString(s.name(), (float) (x + 22), Layout.LEGEND_Y);
    }
}
