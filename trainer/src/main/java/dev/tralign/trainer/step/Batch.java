package dev.tralign.trainer.step;

import dev.tralign.trainer.data.TokenizedExample;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import java.util.List;

/** One micro-batch of tokenized training data, of the kind its objective trains on. */
public sealed interface Batch {

    /** How many examples (pairs, feedback records or SFT examples) the micro-batch holds. */
    int size();

    /** Preference pairs (DPO, IPO, hinge, kto_pair, ...). */
    record Pairs(List<TokenizedPair> pairs) implements Batch {
        @Override
        public int size() {
            return pairs.size();
        }
    }

    /** Unpaired thumbs up/down (KTO). */
    record Feedback(List<TokenizedFeedback> feedback) implements Batch {
        @Override
        public int size() {
            return feedback.size();
        }
    }

    /** Prompt + completion examples (SFT). */
    record Examples(List<TokenizedExample> examples) implements Batch {
        @Override
        public int size() {
            return examples.size();
        }
    }

    static Batch pairs(List<TokenizedPair> pairs) {
        return new Pairs(pairs);
    }

    static Batch feedback(List<TokenizedFeedback> feedback) {
        return new Feedback(feedback);
    }

    static Batch examples(List<TokenizedExample> examples) {
        return new Examples(examples);
    }
}
