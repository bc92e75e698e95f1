package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.schemas.registry.SchemaRegistryException;
import dev.tralign.trainer.config.LossType;
import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainerservice.source.InputRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns an input record into training examples for the run's loss, or into a rejection with a reason. The value's
 * Avro writer schema decides its type, so any topic may carry pairs or feedback. Text becomes ids through the run's
 * {@link ExampleEncoder} (plain text, or a pretrained model's chat template); completions end with EOS, as TRL
 * appends it, so the policy learns where answers stop.
 */
final class ExampleDecoder {

    private final Deserializer<SpecificRecord> values;
    private final ExampleEncoder encoder;
    private final LossType lossType;
    private final boolean splitPairs;
    private final String judgedRun;

    /** @param judgedRun the run whose judged pairs are this run's own (online.judged_run); null: no such pairs */
    ExampleDecoder(Deserializer<SpecificRecord> values, ExampleEncoder encoder, LossType lossType,
            boolean splitPairs, String judgedRun) {
        this.judgedRun = judgedRun;
        this.values = values;
        this.encoder = encoder;
        this.lossType = lossType;
        this.splitPairs = splitPairs;
    }

    /**
     * The record's examples, for optimizer step {@code step}, or its rejection. Throws
     * {@link RegistryUnavailableException} when the registry could not be asked (the record may be fine: decode it
     * again later).
     */
    Decoded decode(InputRecord record, long step) {
        if (record.value() == null) {
            return Decoded.rejected("NULL_VALUE", "record " + record.origin() + " has no value (a tombstone?): "
                    + "input topics carry PreferencePair or BinaryFeedback values");
        }
        SpecificRecord value;
        try {
            value = values.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (registryUnavailable(e)) {
                throw new RegistryUnavailableException("the schema registry could not give the writer schema of "
                        + record.origin() + ": " + e.getMessage(), e);
            }
            return Decoded.rejected("DESERIALIZATION", String.valueOf(e.getMessage()));
        }
        try {
            if (value instanceof PreferencePair p) {
                Optional<String> violation = selfJudgedTooLate(p, step);
                return violation.isPresent() ? Decoded.rejected("STEP_PROVENANCE", violation.get()) : fromPair(p);
            }
            if (value instanceof BinaryFeedback f) {
                return fromFeedback(f);
            }
            return Decoded.rejected("WRONG_RECORD_TYPE", "record " + record.origin() + " holds "
                    + value.getSchema().getFullName() + ", not PreferencePair or BinaryFeedback: remove this topic "
                    + "from input.topics");
        } catch (IllegalArgumentException e) {
            return Decoded.rejected("TOKENIZATION", "record " + record.origin() + " cannot be tokenised: "
                    + e.getMessage() + " (check the tokenizer setting matches the data)");
        }
    }

    /**
     * The online loop's step-provenance rule (docs/online.md): a pair judged on this run's checkpoint s (metadata
     * {@code run} = online.judged_run, {@code judged_at_step} = s) may train step t only when s < t, so a checkpoint
     * never trains on its own or a later checkpoint's judgments. The metadata keys are the evaluator's
     * ({@code OnlinePairs.RUN}, {@code JUDGED_AT_STEP}); the trainer may not depend on the evaluator.
     */
    private Optional<String> selfJudgedTooLate(PreferencePair pair, long step) {
        Map<String, String> metadata = pair.getMetadata();
        if (judgedRun == null || metadata == null || !judgedRun.equals(metadata.get("run"))) {
            return Optional.empty();
        }
        String judgedAt = metadata.get("judged_at_step");
        try {
            long judged = Long.parseLong(judgedAt);
            return judged < step ? Optional.empty() : Optional.of("online pair " + pair.getId() + " was judged on "
                    + "checkpoint " + judged + " of run " + judgedRun + " and would train step " + step
                    + ": a checkpoint may not train on its own or a later checkpoint's judgments");
        } catch (NumberFormatException e) {
            return Optional.of("online pair " + pair.getId() + " of run " + judgedRun + " has no readable "
                    + "judged_at_step ('" + judgedAt + "'), so its step provenance cannot be checked");
        }
    }

    /** A registry that was not reached (status 0) or failed (5xx) says nothing about the record. */
    static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException r) {
                return r.httpStatus() == 0 || r.httpStatus() >= 500;
            }
        }
        return false;
    }

    private Decoded fromPair(PreferencePair p) {
        ExampleEncoder.Encoded chosenExample = encoder.encode(p.getPrompt(), p.getChosen());
        int[] prompt = chosenExample.prompt();
        int[] chosen = chosenExample.completion();
        int[] rejected = encoder.encode(p.getPrompt(), p.getRejected()).completion();
        if (lossType.isPaired()) {
            return Decoded.pair(new TokenizedPair(p.getId(), prompt, chosen, rejected));
        }
        if (lossType.isUnpairedFeedback() && splitPairs) {
            return Decoded.feedback(List.of(new TokenizedFeedback(p.getId() + "#chosen", prompt, chosen, true),
                    new TokenizedFeedback(p.getId() + "#rejected", prompt, rejected, false)));
        }
        return Decoded.rejected("WRONG_RECORD_TYPE", "PreferencePair " + p.getId() + " cannot train loss_type="
                + lossType.trlName() + " without kto.split_pairs=true: set it, or remove the topic from input.topics");
    }

    private Decoded fromFeedback(BinaryFeedback f) {
        if (!lossType.isUnpairedFeedback()) {
            return Decoded.rejected("WRONG_RECORD_TYPE", "BinaryFeedback " + f.getId() + " cannot train loss_type="
                    + lossType.trlName() + " (it needs pairs): use loss_type=kto (or apo_zero_unpaired) or remove the "
                    + "topic from "
                    + "input.topics");
        }
        ExampleEncoder.Encoded example = encoder.encode(f.getPrompt(), f.getCompletion());
        return Decoded.feedback(List.of(new TokenizedFeedback(f.getId(), example.prompt(), example.completion(),
                f.getLabel() == FeedbackLabel.DESIRABLE)));
    }
}
