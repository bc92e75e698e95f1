package dev.tralign.evaluator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.evaluator.ranking.BradleyTerryRanking;
import dev.tralign.evaluator.report.CheckpointGames;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * GET /api/bradley-terry: the Bradley-Terry ranking of the checkpoints in {@link CheckpointGames} as JSON.
 * Query: {@code run} (repeatable; every run when absent), {@code rounds} (1-1000, default 100), {@code seed}
 * (default 42). The answer is computed again only when the query changed, or when the games changed and the last
 * answer is older than {@link #REFRESH}: the page polls every 2 s, and while judgments stream in a ranking of many
 * checkpoints (100 refits of everything) should not run on every poll.
 */
final class RankingJson {

    /** Most bootstrap rounds a request may ask for: the fit runs on the HTTP thread. */
    static final int MAX_ROUNDS = 1000;
    /** Least time between two computations of the same query while the games change. */
    static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CheckpointGames games;
    private long cachedVersion = -1;
    private String cachedQuery;
    private String cachedBody;
    private long cachedAtNanos;

    RankingJson(CheckpointGames games) {
        this.games = games;
    }

    /** Status and body of an answer. */
    record Answer(int status, String body) {
    }

    /** The answer to a raw query string (null for none). */
    synchronized Answer answer(String rawQuery) {
        List<String> runs = new ArrayList<>();
        int rounds = BradleyTerryRanking.DEFAULT_ROUNDS;
        long seed = BradleyTerryRanking.DEFAULT_SEED;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                try {
                    switch (key) {
                        case "run" -> runs.add(value);
                        case "rounds" -> rounds = Integer.parseInt(value);
                        case "seed" -> seed = Long.parseLong(value);
                        default -> {
                            return error("unknown parameter '" + key + "'; use run, rounds or seed");
                        }
                    }
                } catch (NumberFormatException e) {
                    return error(key + " must be a whole number, got '" + value + "'");
                }
            }
        }
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            return error("rounds must be in 1-" + MAX_ROUNDS + ", got " + rounds);
        }
        String query = new TreeSet<>(runs) + "|" + rounds + "|" + seed;
        long version = games.version();
        boolean stale = version != cachedVersion && System.nanoTime() - cachedAtNanos >= REFRESH.toNanos();
        if (!query.equals(cachedQuery) || stale) {
            cachedBody = body(runs, rounds, seed);
            cachedVersion = version;
            cachedQuery = query;
            cachedAtNanos = System.nanoTime();
        }
        return new Answer(200, cachedBody);
    }

    /** The default ranking (every run, default rounds and seed) for the static report. */
    Optional<BradleyTerryRanking> ranking() {
        return games.ranking(List.of(), BradleyTerryRanking.DEFAULT_ROUNDS, BradleyTerryRanking.DEFAULT_SEED);
    }

    private String body(List<String> runs, int rounds, long seed) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("anchor", CheckpointGames.BASELINE);
        json.put("rounds", rounds);
        json.put("seed", seed);
        json.put("baselineMismatches", games.baselineMismatches(runs));
        Optional<BradleyTerryRanking> ranking = games.ranking(runs, rounds, seed);
        json.put("prompts", ranking.map(BradleyTerryRanking::groups).orElse(0));
        ArrayNode scores = json.putArray("scores");
        ranking.ifPresent(r -> r.scores().forEach(s -> {
            ObjectNode score = scores.addObject();
            score.put("player", s.player());
            number(score, "strength", s.strength());
            number(score, "score", s.winProbability());
            number(score, "low", s.low());
            number(score, "high", s.high());
            score.put("games", s.games());
            score.put("rounds", s.rounds());
        }));
        return write(json);
    }

    private static Answer error(String message) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("error", message);
        return new Answer(400, write(json));
    }

    private static void number(ObjectNode json, String key, double value) {
        if (Double.isFinite(value)) {
            json.put(key, value);
        } else {
            json.putNull(key);
        }
    }

    private static String write(ObjectNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise plain JSON nodes", e);
        }
    }
}
