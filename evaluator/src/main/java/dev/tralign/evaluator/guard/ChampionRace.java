package dev.tralign.evaluator.guard;

import dev.tralign.evaluator.winrate.McNemar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run family's champion. The SFT baseline is champion until a checkpoint beats it; a fully evaluated checkpoint
 * inside the KL budget then challenges the current champion on the same prompts (exact one-sided McNemar test at
 * the configured level) and takes over only when significantly better, so a run that over-optimizes after a good
 * checkpoint keeps that checkpoint as champion. A challenger whose judgments are not all in yet waits for them.
 * Decisions depend only on the inputs and their order.
 */
public final class ChampionRace {

    private static final byte VERSION = 1;

    /** Judged preferences of a run's checkpoint, by prompt id. */
    @FunctionalInterface
    public interface Preferences {
        Map<String, Double> of(String runId, long step);
    }

    /** A change of champion. */
    public record Promotion(String runId, long step, String previousRunId, Long previousStep,
            Map<String, Double> evidence) {
    }

    private record Challenger(String runId, long step, double kl, double winRate) {
    }

    /** A checkpoint the race has decided: it challenged the champion (and maybe won) or was over the budget. */
    public record Decided(String runId, long step, boolean promoted) {
    }

    /** A checkpoint no later test will compare again: it lost its challenge, was over budget, or was dethroned. */
    public record Retired(String runId, long step) {
    }

    /** Null while the SFT baseline is champion. */
    private String championRun;
    private long championStep;
    private double championWinRate = 50.0;
    private final List<Challenger> waiting = new ArrayList<>();
    private final Map<String, Long> lastStep = new TreeMap<>();
    /** Filled by the last call, emptied by {@link #drainRetired}; not part of the stored state. */
    private final List<Retired> retired = new ArrayList<>();
    /** Filled by the last call, emptied by {@link #drainDecided}; not part of the stored state. */
    private final List<Decided> decided = new ArrayList<>();

    /** The champion's run, empty while the SFT baseline holds. */
    public java.util.Optional<String> championRun() {
        return java.util.Optional.ofNullable(championRun);
    }

    public long championStep() {
        return championStep;
    }

    /** A fully evaluated checkpoint of a run of this family. */
    public List<Promotion> onCheckpoint(String runId, long step, double klToSft, double winRate,
            ChampionConfig config, Preferences preferences) {
        if (step <= lastStep.getOrDefault(runId, -1L)) {
            return List.of();
        }
        lastStep.put(runId, step);
        if (!(klToSft <= config.klBudget())) {
            retired.add(new Retired(runId, step));
            decided.add(new Decided(runId, step, false));
            return List.of();
        }
        waiting.add(new Challenger(runId, step, klToSft, winRate));
        return resolve(config, preferences);
    }

    /** A judgment of a run's checkpoint arrived: a waiting challenger may now be complete. */
    public List<Promotion> onJudgment(String runId, long step, ChampionConfig config, Preferences preferences) {
        for (Challenger c : waiting) {
            if (c.runId().equals(runId) && c.step() == step) {
                return resolve(config, preferences);
            }
        }
        return List.of();
    }

    private List<Promotion> resolve(ChampionConfig config, Preferences preferences) {
        List<Promotion> promoted = new ArrayList<>();
        for (Iterator<Challenger> it = waiting.iterator(); it.hasNext();) {
            Challenger c = it.next();
            Map<String, Double> mine = preferences.of(c.runId(), c.step());
            if (mine.size() < config.evalPrompts()) {
                continue;
            }
            it.remove();
            McNemar test = championRun == null ? McNemar.againstTies(mine)
                    : McNemar.of(mine, preferences.of(championRun, championStep));
            if (!test.significant(config.level())) {
                retired.add(new Retired(c.runId(), c.step()));
                decided.add(new Decided(c.runId(), c.step(), false));
                continue;
            }
            decided.add(new Decided(c.runId(), c.step(), true));
            if (championRun != null) {
                retired.add(new Retired(championRun, championStep));
            }
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("prompts", (double) test.prompts());
            evidence.put("better", (double) test.better());
            evidence.put("worse", (double) test.worse());
            evidence.put("p_value", test.pValue());
            evidence.put("level", config.level());
            evidence.put("win_rate", c.winRate());
            evidence.put("previous_win_rate", championWinRate);
            evidence.put("kl_to_sft", c.kl());
            if (config.klBudget() != Double.POSITIVE_INFINITY) {
                evidence.put("kl_budget", config.klBudget());
            }
            promoted.add(new Promotion(c.runId(), c.step(), championRun, championRun == null ? null : championStep,
                    evidence));
            championRun = c.runId();
            championStep = c.step();
            championWinRate = c.winRate();
        }
        return promoted;
    }

    /** The checkpoints decided since the last call, in the order they were decided. */
    public List<Decided> drainDecided() {
        List<Decided> out = List.copyOf(decided);
        decided.clear();
        return out;
    }

    /** The checkpoints retired since the last call (their verdicts and file can be forgotten). */
    public List<Retired> drainRetired() {
        List<Retired> out = List.copyOf(retired);
        retired.clear();
        return out;
    }

    /** The state as bytes (a version byte, then the fields); not a public format. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeBoolean(championRun != null);
            if (championRun != null) {
                out.writeUTF(championRun);
            }
            out.writeLong(championStep);
            out.writeDouble(championWinRate);
            out.writeInt(waiting.size());
            for (Challenger c : waiting) {
                out.writeUTF(c.runId());
                out.writeLong(c.step());
                out.writeDouble(c.kl());
                out.writeDouble(c.winRate());
            }
            out.writeInt(lastStep.size());
            for (Map.Entry<String, Long> e : lastStep.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The state {@link #encode} wrote. */
    public static ChampionRace decode(byte[] bytes) {
        ChampionRace race = new ChampionRace();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("champion state version " + version + ", expected " + VERSION
                        + ": reset the evaluator's Streams application after an upgrade");
            }
            race.championRun = in.readBoolean() ? in.readUTF() : null;
            race.championStep = in.readLong();
            race.championWinRate = in.readDouble();
            for (int i = in.readInt(); i > 0; i--) {
                race.waiting.add(new Challenger(in.readUTF(), in.readLong(), in.readDouble(), in.readDouble()));
            }
            for (int i = in.readInt(); i > 0; i--) {
                race.lastStep.put(in.readUTF(), in.readLong());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("champion state is truncated (" + bytes.length + " bytes)", e);
        }
        return race;
    }
}
