package dev.tralign.evaluator.online;

import dev.tralign.evaluator.judge.Comparison;
import dev.tralign.evaluator.judge.Judge;
import dev.tralign.evaluator.judge.Verdict;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.evaluator.stream.Keys;
import dev.tralign.evaluator.stream.Records;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Generation;
import dev.tralign.schemas.avro.GenerationRole;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.SamplingConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The on-policy half of the online loop: for the policy of one checkpoint, samples TWO completions per selected
 * TRAINING prompt, has the judge compare them, and returns the POLICY Generations and the Judgments under the run id
 * {@code <run>.online} ({@link #onlineRunId}), so they never mix with the run's held-out eval judgments. Published,
 * {@link OnlineFeedbackTopology} (with {@code online.runs=.*\.online}) turns the decisive ones into preference pairs
 * whose {@code judged_at_step} is the step given here.
 *
 * <p>Which prompts a round uses is a share {@code promptFraction} of the training prompts, chosen per step by a hash
 * of (step, prompt index) ({@link SamplingGate}), so successive rounds see different prompts and a re-run picks the
 * same ones. Sampling is seeded by (seed, step): a round is a pure function of the checkpoint, the prompts and the
 * judge. A judge that fails throws out of {@link #sample}: the caller decides what an outage means (the demo trains on
 * without online pairs).
 */
public final class OnPolicySampler {

    /** Suffix of the run id under which a run's on-policy judgments are published. */
    public static final String RUN_SUFFIX = ".online";

    private final CompletionCodec codec;
    private final List<String> trainingPrompts;
    private final Judge judge;
    private final SamplingConfig sampling;
    private final long seed;
    private final double promptFraction;

    /**
     * @param codec          prompt text to tokens, generated tokens to text
     * @param trainingPrompts the prompts of the training data (never the eval prompts)
     * @param judge          compares the two samples of a prompt
     * @param maxNewTokens   generation length limit
     * @param seed           sampling seed; step s samples with seeds derived from (seed, s)
     * @param promptFraction share of the training prompts sampled per round, in (0, 1]
     */
    public OnPolicySampler(CompletionCodec codec, List<String> trainingPrompts, Judge judge, int maxNewTokens,
            long seed, double promptFraction) {
        if (trainingPrompts.isEmpty()) {
            throw new IllegalArgumentException("the on-policy sampler needs at least one training prompt");
        }
        if (!(promptFraction > 0 && promptFraction <= 1)) {
            throw new IllegalArgumentException("online prompt fraction " + promptFraction + " is out of range: give "
                    + "a share of the training prompts in (0, 1], e.g. 0.4");
        }
        this.codec = codec;
        this.trainingPrompts = List.copyOf(trainingPrompts);
        this.judge = judge;
        this.sampling = SamplingConfig.unbiased(maxNewTokens, codec.eosId());
        this.seed = seed;
        this.promptFraction = promptFraction;
    }

    /** The run id the on-policy judgments of {@code runId} are published under. */
    public static String onlineRunId(String runId) {
        return runId + RUN_SUFFIX;
    }

    /** Indices of the training prompts a round at {@code step} samples: a hash of (step, index) below the fraction. */
    public List<Integer> promptsAt(long step) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < trainingPrompts.size(); i++) {
            if (SamplingGate.keep(Keys.of("on-policy", step, i), promptFraction)) {
                chosen.add(i);
            }
        }
        return chosen;
    }

    /**
     * Samples two completions per prompt of {@link #promptsAt(long)} from {@code policy}, judges them (first sample =
     * candidate, second = baseline) and returns the records to publish. Throws what the judge throws.
     */
    public Round sample(Policy policy, String runId, long step, Instant at) {
        List<Integer> indices = promptsAt(step);
        List<int[]> prompts = new ArrayList<>(indices.size());
        for (int i : indices) {
            prompts.add(codec.prompt(trainingPrompts.get(i)));
        }
        long roundSeed = seed + 104_729L * step;
        int[][] first = policy.sample(prompts, sampling, roundSeed);
        int[][] second = policy.sample(prompts, sampling, roundSeed ^ 0x5EC0_17DL);
        List<Comparison> comparisons = new ArrayList<>(indices.size());
        for (int k = 0; k < indices.size(); k++) {
            comparisons.add(new Comparison(trainingPrompts.get(indices.get(k)), codec.completion(first[k]),
                    codec.completion(second[k])));
        }
        List<Verdict> verdicts = judge.judgeAll(comparisons);
        String onlineRun = onlineRunId(runId);
        List<Generation> generations = new ArrayList<>(indices.size());
        List<Judgment> judgments = new ArrayList<>(indices.size());
        for (int k = 0; k < indices.size(); k++) {
            String promptId = "train-" + indices.get(k);
            Comparison c = comparisons.get(k);
            generations.add(Generation.newBuilder().setRunId(onlineRun).setStep(step).setRole(GenerationRole.POLICY)
                    .setPromptId(promptId).setPrompt(c.prompt()).setCompletion(c.candidate()).setSeed(roundSeed)
                    .setTokens(first[k].length).setAt(at).build());
            judgments.add(Records.judgment(onlineRun, step, promptId, judge.name(), c.candidate(), c.baseline(),
                    verdicts.get(k), at));
        }
        return new Round(onlineRun, step, generations, judgments);
    }

    /**
     * One round's records.
     *
     * @param onlineRunId {@code <run>.online}
     * @param step        the checkpoint step the samples come from (the pairs' judged_at_step)
     */
    public record Round(String onlineRunId, long step, List<Generation> generations, List<Judgment> judgments) {

        public Round {
            generations = List.copyOf(generations);
            judgments = List.copyOf(judgments);
        }

        /** How many pairs the online topology will make of this round under {@code options} (sampling ratio 1). */
        public int expectedPairs(OnlineFeedbackOptions options) {
            int n = 0;
            for (Judgment j : judgments) {
                String key = Keys.of(j.getRunId(), j.getStep(), j.getPromptId());
                if (options.selects(j.getRunId()) && OnlinePairs.decisive(j, options).isPresent()
                        && SamplingGate.keep(key, options.samplingRatio())) {
                    n++;
                }
            }
            return n;
        }

        /**
         * Sends the generations, then the judgments, and flushes both: the topology joins them whichever comes
         * first, but generations first lets each judgment complete its pair as it arrives.
         */
        public void publish(Topics topics, Producer<String, Generation> generationProducer,
                Producer<String, Judgment> judgmentProducer) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Generation g : generations) {
                sent.add(generationProducer.send(new ProducerRecord<>(topics.generations().name(),
                        Keys.of(g.getRunId(), g.getStep(), g.getRole(), g.getPromptId()), g)));
            }
            generationProducer.flush();
            for (Judgment j : judgments) {
                sent.add(judgmentProducer.send(new ProducerRecord<>(topics.judgments().name(),
                        Records.judgmentKey(j), j)));
            }
            judgmentProducer.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("could not publish the on-policy round of " + onlineRunId
                            + " at step " + step + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing an on-policy round", e);
                }
            }
        }
    }
}
