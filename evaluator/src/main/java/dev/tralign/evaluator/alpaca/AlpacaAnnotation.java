package dev.tralign.evaluator.alpaca;

import dev.tralign.evaluator.winrate.Preferences;
import java.util.OptionalDouble;

/**
 * One row of an AlpacaEval annotations file: output_1 (baseline, generator_1) against output_2 (candidate,
 * generator_2) for one instruction, and the judge's raw preference.
 *
 * @param instruction the prompt
 * @param output1 the baseline's output
 * @param output2 the candidate's output
 * @param generator1 the baseline's name
 * @param generator2 the candidate's name
 * @param preference raw preference as stored (null when absent, null or NaN in the file)
 */
public record AlpacaAnnotation(
        String instruction, String output1, String output2, String generator1, String generator2, Double preference) {

    /** The preference after AlpacaEval's rules (identical outputs tie, 0 ties, missing or off-scale excluded). */
    public OptionalDouble normalisedPreference() {
        return Preferences.normalise(preference, output2, output1);
    }
}
