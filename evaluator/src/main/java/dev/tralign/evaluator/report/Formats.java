package dev.tralign.evaluator.report;

import java.util.Locale;

/** Number formatting shared by the report views (fixed Locale so reports do not depend on the machine). */
final class Formats {

    private Formats() {
    }

    /** A number with the given decimals, or "-" when undefined. */
    static String number(Double value, int decimals) {
        if (value == null || !Double.isFinite(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A tick label: no decimals for round values. */
    static String tick(double value) {
        if (Math.abs(value - Math.rint(value)) < 1e-9) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, "%.2g", value);
    }
}
