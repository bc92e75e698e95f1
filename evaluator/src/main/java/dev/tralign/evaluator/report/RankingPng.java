package dev.tralign.evaluator.report;

import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** The forest chart of {@link RankingView} as a PNG (java.awt off-screen, works headless), same geometry. */
public final class RankingPng {

    private RankingPng() {
    }

    /** The chart as an image. */
    public static BufferedImage render(BradleyTerryRanking ranking) {
        int width = RankingView.WIDTH;
        int height = RankingView.height(ranking);
        double plot = width - RankingView.LEFT - RankingView.RIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PngCanvas.titled(image, RankingView.title(ranking), 20);
        try {
            g.setStroke(new BasicStroke(1f));
            for (int tick = 0; tick <= 100; tick += 25) {
                double x = RankingView.LEFT + plot * tick / 100.0;
                g.setColor(tick == 50 ? new Color(0x999999) : new Color(0xdddddd));
                g.draw(new Line2D.Double(x, RankingView.TOP - 8, x, height - RankingView.BOTTOM + 4));
                g.setColor(Color.DARK_GRAY);
                PngCanvas.centred(g, Integer.toString(tick), x, height - RankingView.BOTTOM + 18);
            }
            PngCanvas.centred(g, "score (%)", RankingView.LEFT + plot / 2, height - 8);
            for (int i = 0; i < ranking.scores().size(); i++) {
                BradleyTerryRanking.Score s = ranking.scores().get(i);
                double y = RankingView.TOP + RankingView.ROW * i + RankingView.ROW / 2.0;
                Color color = Color.decode(s.player().equals(ranking.anchor()) ? "#777777" : Chart.color(0));
                g.setColor(Color.DARK_GRAY);
                FontMetrics metrics = g.getFontMetrics();
                g.drawString(s.player(), (float) (RankingView.LEFT - 8 - metrics.stringWidth(s.player())),
                        (float) (y + 4));
                g.setColor(color);
                if (Double.isFinite(s.low()) && Double.isFinite(s.high())) {
                    g.setStroke(new BasicStroke(3f));
                    g.draw(new Line2D.Double(RankingView.LEFT + plot * s.low() / 100, y,
                            RankingView.LEFT + plot * s.high() / 100, y));
                }
                double cx = RankingView.LEFT + plot * s.winProbability() / 100;
                g.fill(new Ellipse2D.Double(cx - 4, y - 4, 8, 8));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders and writes a PNG file. */
    public static void write(BradleyTerryRanking ranking, Path file) throws IOException {
        PngCanvas.write(render(ranking), file);
    }
}
