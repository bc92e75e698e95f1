package dev.tralign.evaluator.ranking;

import java.util.Objects;

/**
 * One game between two players with a soft outcome, for the Bradley-Terry fit.
 *
 * <p>A tie is 0.5; a position-swapped pair of verdicts enters as one game with their mean outcome, which gives the
 * Bradley-Terry likelihood the same gradient as the two games it stands for (the log-likelihood is linear in the
 * outcome), so the fitted strengths are the same.
 *
 * @param player the first player
 * @param opponent the second player
 * @param outcome P(player beats opponent) as judged, in [0,1]
 * @param group the unit the bootstrap resamples (the prompt id): all games of a drawn prompt come along together
 */
public record Game(String player, String opponent, double outcome, String group) {

    /** Validates the game. */
    public Game {
        Objects.requireNonNull(player, "player");
        Objects.requireNonNull(opponent, "opponent");
        Objects.requireNonNull(group, "group");
        if (player.equals(opponent)) {
            throw new IllegalArgumentException("a game needs two different players, got " + player + " twice");
        }
        if (!(outcome >= 0 && outcome <= 1)) {
            throw new IllegalArgumentException("outcome must be in [0,1], got " + outcome);
        }
    }
}
