package dev.tralign.evaluator.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What every PNG chart of the report shares (java.awt off-screen, works headless): canvas, titles, the file. */
final class PngCanvas {

    private PngCanvas() {
    }

    /**
     * An antialiased white canvas with the title drawn centred at {@code titleY}, left in dark grey with the plain
     * 11-point font the charts' labels use. The caller disposes it.
     */
    static Graphics2D titled(BufferedImage image, String title, double titleY) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        centred(g, title, image.getWidth() / 2.0, titleY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return g;
    }

    /** {@code text} centred on {@code x}, baseline at {@code y}. */
    static void centred(Graphics2D g, String text, double x, double y) {
        g.drawString(text, (float) (x - g.getFontMetrics().stringWidth(text) / 2.0), (float) y);
    }

    /** Writes {@code image} as a PNG file. */
    static void write(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available in this JDK (javax.imageio)");
        }
    }
}
