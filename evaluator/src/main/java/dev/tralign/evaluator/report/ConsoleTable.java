package dev.tralign.evaluator.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table of every run's checkpoints, columns aligned, for the terminal. */
public final class ConsoleTable {

    private static final String[] HEADER = {"run", "step", "win rate %", "Wilson 95% %", "LC win rate %", "KL/seq",
        "n"};

    private ConsoleTable() {
    }

    /** The table, one row per (run, step), runs in the given order. */
    public static String render(List<RunSeries> runs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RunSeries run : runs) {
            for (WinRatePoint p : run.points()) {
                rows.add(new String[] {run.runId(), Long.toString(p.step()), Formats.number(p.winRate(), 1),
                    Formats.number(p.low(), 1) + " - " + Formats.number(p.high(), 1),
                    Formats.number(p.lengthControlled(), 1), Formats.number(p.klPerSequence(), 2),
                    Long.toString(p.nTotal())});
            }
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int c = 0; c < row.length; c++) {
                // Text left-aligned, numbers right-aligned.
                String cell = c == 0 ? pad(row[c], widths[c], false) : pad(row[c], widths[c], true);
                out.append(cell).append(c + 1 < row.length ? "  " : "");
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : widths) {
                    total += w;
                }
                out.append("-".repeat(total + 2 * (widths.length - 1))).append('\n');
            }
        }
        return out.toString();
    }

    private static String pad(String text, int width, boolean right) {
        String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
