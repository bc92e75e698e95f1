package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every bench takes its flags one way: the command lines the docs show parse as they are written, a typo is refused
 * before anything starts (no broker, no model), and --help lists the declared flags.
 */
class BenchCommandTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern COMMAND = Pattern.compile("tralign bench ([a-z-]+)(.*)");
    /** Shell variables the docs define for a shape ({@code M="--arch llama ..."}). */
    private static final Pattern VARIABLE = Pattern.compile("^\\s*([A-Z]+)=\"([^\"]*)\"");

    private final CliRun cli = new CliRun();

    /** The benches by name, as {@code tralign bench NAME} runs them. */
    private static Map<String, BenchCommand.Bench> benches() {
        Map<String, BenchCommand.Bench> out = new LinkedHashMap<>();
        new CommandLine(new BenchCommand()).getSubcommands()
                .forEach((name, cli) -> out.put(name, (BenchCommand.Bench) cli.getCommand()));
        return out;
    }

    /** One documented command line: where it is, the bench and its arguments. */
    record Documented(String place, String bench, String[] args) {
    }

    /**
     * The {@code tralign bench NAME ...} lines of README.md and docs/*.md, as a user would type them: shell
     * continuations joined, {@code $M} expanded from the doc's {@code M="..."}, optional parts {@code [...]} kept,
     * the first of {@code a|b} alternatives, comments and prose after a backtick dropped.
     */
    static List<Documented> documented() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Documented> out = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            Map<String, String> variables = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher variable = VARIABLE.matcher(line);
                if (variable.find()) {
                    variables.put(variable.group(1), variable.group(2));
                }
                Matcher m = COMMAND.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String rest = m.group(2);
                while (rest.stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                    rest = rest.stripTrailing();
                    rest = rest.substring(0, rest.length() - 1) + " " + lines.get(++i);
                }
                if (rest.startsWith("\\|")) {
                    continue; // README's table lists the bench names: checked by everyBenchTheReadmeNamesExists
                }
                rest = cut(cut(rest, '`'), '#');
                for (Map.Entry<String, String> v : variables.entrySet()) {
                    rest = rest.replace("$" + v.getKey(), v.getValue());
                }
                rest = rest.replace("[", " ").replace("]", " ").replaceAll("(\\S+?)\\|\\S+", "$1");
                String[] args = Arrays.stream(rest.trim().split("\\s+")).filter(s -> !s.isEmpty())
                        .toArray(String[]::new);
                out.add(new Documented(ROOT.relativize(file) + ":" + (i + 1), m.group(1), args));
            }
        }
        return out;
    }

    private static String cut(String text, char at) {
        int i = text.indexOf(at);
        return i < 0 ? text : text.substring(0, i);
    }

    @Test
    void everyDocumentedBenchCommandLineParses() throws IOException {
        Map<String, BenchCommand.Bench> benches = benches();
        List<Documented> documented = documented();
        // benchmarks.md alone shows more than 20 of them; a broken extraction must not pass by finding none.
        assertThat(documented).hasSizeGreaterThan(25);
        assertThat(documented).extracting(Documented::bench).contains("trainer", "memory", "lora-drift", "pipeline",
                "ingest", "evaluator", "evaluator-workers");
        List<String> problems = new ArrayList<>();
        for (Documented d : documented) {
            BenchCommand.Bench bench = benches.get(d.bench());
            if (bench == null) {
                problems.add(d.place() + ": no bench '" + d.bench() + "'");
                continue;
            }
            try {
                bench.check(d.args());
            } catch (IllegalArgumentException e) {
                problems.add(d.place() + ": " + String.join(" ", d.args()) + ": " + e.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theDocumentedLinesAreReadAsWritten() throws IOException {
        // The shape variable and the continuation line of benchmarks.md, expanded.
        assertThat(documented()).anySatisfy(d -> {
            assertThat(d.bench()).isEqualTo("trainer");
            assertThat(d.args()).containsSubsequence("--arch", "llama", "--kv-heads", "2", "--path", "torchscript");
        }).anySatisfy(d -> {
            assertThat(d.bench()).isEqualTo("trainer");
            assertThat(d.args()).containsSubsequence("--arch", "gpt2", "--steps", "4", "--lora-mix", "exact");
        });
    }

    @Test
    void everyBenchTheReadmeNamesExists() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("tralign bench ([a-z\\\\|-]+)").matcher(readme);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1).split("\\\\\\|")).containsExactlyInAnyOrderElementsOf(benches().keySet());
    }

    @Test
    void aMisspeltFlagIsRefusedBeforeTheBenchStartsAnything() {
        // The typo of the issue: evaluator-workers used to run at its defaults (and start a broker) without a word.
        assertThat(cli.run("bench", "evaluator-workers", "--checkpoint", "4")).isNotZero();
        assertThat(cli.err()).contains("unknown flag --checkpoint (did you mean '--checkpoints'?)",
                "valid flags: --workers --prompts --prompts-per-task --checkpoints")
                .contains("bench evaluator-workers: unknown flag")
                .as("the bench is named once").doesNotContain("evaluator-workers: bench evaluator-workers");
        cli.clear();
        assertThat(cli.run("bench", "evaluator", "--judgments", "ten")).isNotZero();
        assertThat(cli.err()).contains("--judgments=ten is not an int");
        cli.clear();
        assertThat(cli.run("bench", "pipeline", "--step", "3")).isNotZero();
        assertThat(cli.err()).contains("did you mean '--steps'?");
        cli.clear();
        assertThat(cli.run("bench", "ingest", "--sides", "broker")).isNotZero();
        assertThat(cli.err()).contains("--sides=broker is not one of both|ingest|plain");
        cli.clear();
        assertThat(cli.run("bench", "ingest", "--bootstrap-servers", "127.0.0.1:9")).isNotZero();
        assertThat(cli.err()).contains("give --bootstrap-servers and --registry-url together");
    }

    @Test
    void memoryWithoutArchIsTheLeakCheckAndTakesOnlySteps() {
        BenchCommand.Bench memory = benches().get("memory");
        memory.check("--steps", "5");
        memory.check("--arch", "gpt2", "--seq", "16", "--tie");
        assertThatThrownBy(() -> memory.check("--seq", "16")).hasMessageContaining("--seq needs --arch");
        assertThatThrownBy(() -> memory.check("--arch", "gpt3"))
                .hasMessageContaining("--arch=gpt3 is not one of").hasMessageContaining("did you mean 'gpt2'?");
    }

    @Test
    void helpListsTheBenchsDeclaredFlags() {
        assertThat(cli.run("bench", "evaluator-workers", "--help")).isZero();
        assertThat(cli.out()).contains("Flags of bench evaluator-workers", "--checkpoints INT (default: 3)",
                "--max-new-tokens INT (default: 32)", "--workers LIST (default: 1,2,3)");
        cli.clear();
        assertThat(cli.run("bench", "trainer", "--help")).isZero();
        assertThat(cli.out()).contains("--lora-mix STRING (default: exact)", "--warmup INT (default: 20)",
                "--tie BOOLEAN (default: tied for gpt2 only)");
    }
}
