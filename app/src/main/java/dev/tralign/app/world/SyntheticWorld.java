package dev.tralign.app.world;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The whole synthetic world of the embedded default: a language, its gold reward, simulated annotators, and the
 * fixed prompt sets. Everything is a pure function of the {@link WorldConfig}, so other seeds and shapes work and a
 * run can be reproduced from its config alone.
 */
public final class SyntheticWorld {

    private final WorldConfig config;
    private final Language language;
    private final GoldReward goldReward;
    private final SimulatedAnnotators annotators;

    public SyntheticWorld(WorldConfig config) {
        this.config = config;
        this.language = new Language(config);
        this.goldReward = new GoldReward(language);
        this.annotators = new SimulatedAnnotators(language, goldReward, medianGeneratorReward(2_000));
    }

    public WorldConfig config() {
        return config;
    }

    public Language language() {
        return language;
    }

    public GoldReward goldReward() {
        return goldReward;
    }

    public SimulatedAnnotators annotators() {
        return annotators;
    }

    /** Characters the tokenizer needs: the world's alphabet. */
    public String alphabet() {
        return language.alphabet();
    }

    /** Supervised fine-tuning data: (prompt, completion) samples of the true generator. */
    public List<String[]> sftSamples(int count) {
        SplittableRandom random = stream(1);
        List<String[]> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String prompt = language.samplePrompt(random);
            samples.add(new String[] {prompt, language.sampleCompletion(prompt, random)});
        }
        return samples;
    }

    /**
     * The reference task's held-out SFT set: (prompt, completion) samples of the true generator like
     * {@link #sftSamples}, from a stream of their own (6), so none is a draw the SFT policy was trained on.
     */
    public List<String[]> heldoutSftSamples(int count) {
        SplittableRandom random = stream(6);
        List<String[]> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String prompt = language.samplePrompt(random);
            samples.add(new String[] {prompt, language.sampleCompletion(prompt, random)});
        }
        return samples;
    }

    /** Training prompts for the annotators (stream 2) and held-out eval prompts (stream 3, disjoint by rejection). */
    public List<String> evalPrompts(int count) {
        SplittableRandom random = stream(3);
        List<String> prompts = new ArrayList<>(count);
        while (prompts.size() < count) {
            prompts.add(language.samplePrompt(random));
        }
        return prompts;
    }

    /** Labelled preference pairs on training prompts. */
    public List<SimulatedAnnotators.LabelledPair> preferencePairs(int count) {
        SplittableRandom random = stream(2);
        List<SimulatedAnnotators.LabelledPair> pairs = new ArrayList<>(count);
        while (pairs.size() < count) {
            annotators.labelPair(language.samplePrompt(random), random).ifPresent(pairs::add);
        }
        return pairs;
    }

    /** Thumbs up/down on training prompts. */
    public List<SimulatedAnnotators.Thumbs> thumbs(int count) {
        SplittableRandom random = stream(4);
        List<SimulatedAnnotators.Thumbs> verdicts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            verdicts.add(annotators.thumbs(language.samplePrompt(random), random));
        }
        return verdicts;
    }

    private double medianGeneratorReward(int samples) {
        SplittableRandom random = stream(5);
        double[] rewards = new double[samples];
        for (int i = 0; i < samples; i++) {
            String prompt = language.samplePrompt(random);
            rewards[i] = goldReward.reward(prompt, language.sampleCompletion(prompt, random));
        }
        Arrays.sort(rewards);
        return rewards[samples / 2];
    }

    private SplittableRandom stream(long id) {
        return new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + id);
    }
}
