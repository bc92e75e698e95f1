package dev.tralign.app.cli;

import dev.tralign.app.world.SimulatedAnnotators;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Shows the synthetic world: its language, gold reward and a few labelled pairs, so a person can see the truth. */
@Command(name = "world", mixinStandardHelpOptions = true,
        description = "Show the synthetic world of the demo: language, gold reward, sample feedback.")
final class WorldCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "1", description = "World seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--samples", defaultValue = "5", description = "Labelled pairs to show (default: ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() {
        SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(seed));
        WorldConfig c = world.config();
        System.out.printf("alphabet            %s (%d letters)%n", world.alphabet(), c.vocabularySize());
        System.out.printf("entropy             %.2f nats/letter%n", world.language().meanTransitionEntropy());
        System.out.printf("gold reward         n - 0.5*max(0, n-%d)^2 + %.2f*meanLogLik (n = target letters)%n",
                c.sweetSpot(), c.fluencyWeight());
        System.out.printf("annotators          Bradley-Terry, T=%.2f%n", c.annotatorTemperature());
        List<SimulatedAnnotators.LabelledPair> pairs = world.preferencePairs(samples);
        for (SimulatedAnnotators.LabelledPair p : pairs) {
            System.out.printf("prompt %-6s targets %-4s chosen %-20s (r*=%5.2f) rejected %-20s (r*=%5.2f)%n",
                    p.prompt(), world.goldReward().targetsOf(p.prompt()), p.chosen(),
                    world.goldReward().reward(p.prompt(), p.chosen()), p.rejected(),
                    world.goldReward().reward(p.prompt(), p.rejected()));
        }
        return 0;
    }
}
