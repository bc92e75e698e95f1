package dev.tralign.evaluator.judge;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AlpacaEval-style pairwise question (instruction, Output (a), Output (b), "which is better?") and the
 * parser of the judge's answer. Pure: no I/O.
 */
public final class PairwisePrompt {

    /** Which position the judge picked. */
    public enum Choice {
        /** Output (a), the first shown. */
        A,
        /** Output (b), the second shown. */
        B,
        /** The answer named neither, or both. */
        UNPARSEABLE
    }

    /** System message. */
    public static final String SYSTEM = "You are a careful, impartial judge. You compare two answers to the same "
            + "instruction and say which one a thoughtful human would prefer.";

    private static final Pattern THINK_BLOCK = Pattern.compile("(?s)<think>.*?</think>");
    private static final Pattern OUTPUT_MENTION = Pattern.compile("output\\s*\\(?\\s*([ab])\\s*\\)?(?![a-z])");
    private static final Pattern BARE_LETTER = Pattern.compile("^[\\s\"'`*(\\[]*([ab])[\\s\"'`*)\\].!]*$");

    private PairwisePrompt() {
    }

    /** The user message for an instruction and two outputs in the given order. */
    public static String userMessage(String instruction, String outputA, String outputB) {
        return "Compare two answers to the instruction below. Prefer the answer that is more helpful, correct and "
                + "clear. The order in which they are shown says nothing about quality, and a longer answer is not "
                + "better for being longer.\n\n"
                + "## Instruction\n" + instruction + "\n\n"
                + "## Output (a)\n" + outputA + "\n\n"
                + "## Output (b)\n" + outputB + "\n\n"
                + "Which output is better? Reply with exactly \"Output (a)\" or \"Output (b)\" and nothing else.";
    }

    /**
     * Parses a judge's answer. Accepts "Output (a)", "output b", "(b)", "a", reasoning wrapped in
     * &lt;think&gt; blocks; anything naming both outputs or neither is {@link Choice#UNPARSEABLE}.
     */
    public static Choice parse(String answer) {
        if (answer == null) {
            return Choice.UNPARSEABLE;
        }
        String text = THINK_BLOCK.matcher(answer).replaceAll(" ").toLowerCase(Locale.ROOT).trim();
        Matcher bare = BARE_LETTER.matcher(text);
        if (bare.matches()) {
            return toChoice(bare.group(1));
        }
        Set<String> named = new TreeSet<>();
        Matcher mention = OUTPUT_MENTION.matcher(text);
        while (mention.find()) {
            named.add(mention.group(1));
        }
        return named.size() == 1 ? toChoice(named.iterator().next()) : Choice.UNPARSEABLE;
    }

    private static Choice toChoice(String letter) {
        return letter.equals("a") ? Choice.A : Choice.B;
    }
}
