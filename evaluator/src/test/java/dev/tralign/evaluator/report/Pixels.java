package dev.tralign.evaluator.report;

import java.awt.image.BufferedImage;

/** Pixel checks the PNG chart tests share: antialiased colours are close to, not equal to, the drawn one. */
final class Pixels {

    private Pixels() {
    }

    /** True when {@code rgb} is within 90 (sum of channel differences) of {@code target}. */
    static boolean near(int rgb, int target) {
        int dr = Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff));
        int dg = Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff));
        int db = Math.abs((rgb & 0xff) - (target & 0xff));
        return dr + dg + db < 90;
    }

    /** Pixels darker than mid-grey in [x0, x1) x [y0, y1): text and lines, not the white canvas or light grids. */
    static int darkPixels(BufferedImage image, int x0, int y0, int x1, int y1) {
        int dark = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y);
                int luminance = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
                dark += luminance < 3 * 128 ? 1 : 0;
            }
        }
        return dark;
    }
}
