package dev.tralign.evaluator.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.schemas.avro.WinRate;
import java.util.List;

/** JSON views of win rates for the HTTP API; undefined numbers (NaN) become null. */
public final class WinRateJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WinRateJson() {
    }

    /** One win rate with the Avro field names. */
    public static ObjectNode winRate(WinRate w) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("runId", w.getRunId());
        json.put("step", w.getStep());
        json.put("nWins", w.getNWins());
        json.put("nWinsBase", w.getNWinsBase());
        json.put("nDraws", w.getNDraws());
        json.put("nTotal", w.getNTotal());
        number(json, "winRate", w.getWinRate());
        number(json, "standardError", w.getStandardError());
        number(json, "discreteWinRate", w.getDiscreteWinRate());
        number(json, "wilsonLow", w.getWilsonLow());
        number(json, "wilsonHigh", w.getWilsonHigh());
        number(json, "klToSft", w.getKlToSft());
        number(json, "klToSftPerToken", w.getKlToSftPerToken());
        number(json, "meanGoldScore", w.getMeanGoldScore());
        number(json, "lengthControlledWinRate", w.getLengthControlledWinRate());
        number(json, "lcStandardError", w.getLcStandardError());
        json.put("at", w.getAt() == null ? null : w.getAt().toString());
        return json;
    }

    /** A run's series as a JSON array. */
    public static String series(List<WinRate> winRates) {
        ArrayNode array = MAPPER.createArrayNode();
        winRates.forEach(w -> array.add(winRate(w)));
        return write(array);
    }

    /** The run list: id, number of checkpoints and the latest checkpoint's win rate. */
    public static String runs(WinRateStore store) {
        ArrayNode array = MAPPER.createArrayNode();
        for (String run : store.runIds()) {
            List<WinRate> series = store.series(run).orElse(List.of());
            if (series.isEmpty()) {
                continue;
            }
            WinRate latest = series.get(series.size() - 1);
            ObjectNode json = array.addObject();
            json.put("runId", run);
            json.put("checkpoints", series.size());
            json.put("latestStep", latest.getStep());
            number(json, "latestWinRate", latest.getWinRate());
            number(json, "latestLengthControlledWinRate", latest.getLengthControlledWinRate());
            number(json, "latestKlToSft", latest.getKlToSft());
        }
        return write(array);
    }

    private static void number(ObjectNode json, String key, Double value) {
        if (value == null || !Double.isFinite(value)) {
            json.putNull(key);
        } else {
            json.put(key, value);
        }
    }

    private static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise plain JSON nodes", e);
        }
    }
}
