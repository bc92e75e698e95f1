package dev.tralign.evaluator.judge;

import dev.tralign.evaluator.judge.PairwisePrompt.Choice;
import dev.tralign.evaluator.winrate.Preferences;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LLM judge behind any OpenAI-compatible chat-completions server (vLLM, llama.cpp server, OpenAI).
 *
 * <p>Each comparison is asked twice with the outputs' positions swapped, to cancel the judges' well-known
 * position bias: both answers pick the candidate = 2, both pick the baseline = 1, they disagree = 1.5 (tie).
 * If either answer is unusable (HTTP failure after retries, unparseable text) the judgment is missing:
 * keeping the one usable half would bring the position bias back. Identical outputs tie without a request.
 * With ratings on, a third request asks for absolute 1-10 ratings of the candidate ({@link RatingPrompt}).
 */
public final class OpenAiCompatibleJudge implements Judge {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleJudge.class);

    private final OpenAiJudgeConfig config;
    private final ChatCompletionsClient client;

    /** A judge for the configured server. */
    public OpenAiCompatibleJudge(OpenAiJudgeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = new ChatCompletionsClient(config);
    }

    @Override
    public String name() {
        return "llm:" + config.model();
    }

    @Override
    public Verdict judge(String prompt, String candidate, String baseline) {
        if (candidate.equals(baseline)) {
            return Verdict.tie();
        }
        Answer baselineFirst = ask(prompt, baseline, candidate);
        Answer candidateFirst = ask(prompt, candidate, baseline);
        Verdict verdict = combine(baselineFirst.choice(), candidateFirst.choice());
        if (verdict.isMissing()) {
            verdict = Verdict.missing("baseline-first: " + baselineFirst.detail() + "; candidate-first: "
                    + candidateFirst.detail());
            LOG.warn("judge {} gave no usable verdict for prompt '{}': {}", name(), abbreviate(prompt),
                    verdict.missingReason());
            return verdict;
        }
        return config.ratingsEnabled() ? verdict.withRatings(rate(prompt, candidate)) : verdict;
    }

    /**
     * Combines the two swapped answers. Pure.
     *
     * @param baselineFirst the answer when the baseline was Output (a) and the candidate Output (b)
     * @param candidateFirst the answer when the candidate was Output (a)
     */
    static Verdict combine(Choice baselineFirst, Choice candidateFirst) {
        if (baselineFirst == Choice.UNPARSEABLE || candidateFirst == Choice.UNPARSEABLE) {
            return Verdict.missing("unusable answer (baseline-first: " + baselineFirst + ", candidate-first: "
                    + candidateFirst + ")");
        }
        boolean candidateWinsFirst = baselineFirst == Choice.B;
        boolean candidateWinsSecond = candidateFirst == Choice.A;
        if (candidateWinsFirst != candidateWinsSecond) {
            return Verdict.tie();
        }
        return Verdict.of(candidateWinsFirst ? Preferences.CANDIDATE_WINS : Preferences.BASELINE_WINS);
    }

    /** One position's answer and, for the logs, what happened. */
    private record Answer(Choice choice, String detail) {
    }

    private Answer ask(String prompt, String outputA, String outputB) {
        ChatCompletionsClient.Result reply =
                client.complete(PairwisePrompt.SYSTEM, PairwisePrompt.userMessage(prompt, outputA, outputB));
        if (!reply.ok()) {
            return new Answer(Choice.UNPARSEABLE, reply.failure());
        }
        Choice choice = PairwisePrompt.parse(reply.content());
        String detail = choice == Choice.UNPARSEABLE ? "unparseable answer '" + abbreviate(reply.content()) + "'"
                : choice.name();
        return new Answer(choice, detail);
    }

    private Map<String, Double> rate(String prompt, String candidate) {
        ChatCompletionsClient.Result reply =
                client.complete(PairwisePrompt.SYSTEM, RatingPrompt.userMessage(prompt, candidate));
        return reply.ok() ? RatingPrompt.parse(reply.content()) : Map.of();
    }

    /** Runs the comparisons on up to maxConcurrency threads; results in input order. */
    @Override
    public List<Verdict> judgeAll(List<Comparison> comparisons) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(config.maxConcurrency(),
                comparisons.size())), runnable -> {
                    Thread thread = new Thread(runnable, "judge-" + config.model());
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<CompletableFuture<Verdict>> futures = new ArrayList<>();
            for (Comparison comparison : comparisons) {
                futures.add(CompletableFuture.supplyAsync(() -> judge(comparison), pool));
            }
            List<Verdict> verdicts = new ArrayList<>(futures.size());
            for (CompletableFuture<Verdict> future : futures) {
                verdicts.add(future.join());
            }
            return verdicts;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleJudge[" + config + "]";
    }
}
