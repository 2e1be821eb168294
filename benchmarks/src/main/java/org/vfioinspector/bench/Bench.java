package org.vfioinspector.bench;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of {@code benchmarks/target/benchmarks.jar}:
 * <ul>
 *   <li>{@code generate N DIR}: writes a synthetic host of N PCI functions (DIR/scenario.yaml, DIR/sys, DIR/dev,
 *   DIR/proc);</li>
 *   <li>{@code scenario N FILE}: the same host's scenario alone (what {@code --host lab:FILE} and the GUI open);</li>
 *   <li>{@code lab-tree N WORK [ROUNDS]}: where a lab host's tree lives, memory vs Jimfs vs disk, against a
 *   snapshot's scan ({@link LabTreeChoices});</li>
 *   <li>{@code report OUT N...}: the Markdown report of {@code scan-compare.sh}'s results ({@link ScanReport});</li>
 *   <li>{@code jmh [JMH options]}: the JMH benchmarks ({@link ScanBenchmark}, {@link RulesBenchmark}).</li>
 * </ul>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("generate")) {
            int n;
            try {
                n = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                fail("generate: N must be a number of PCI functions, got '" + args[1] + "'");
                return;
            }
            long t0 = System.nanoTime();
            SyntheticHost.write(n, Path.of(args[2]));
            System.err.printf("generated %d functions under %s in %d ms%n", n, args[2],
                    (System.nanoTime() - t0) / 1_000_000);
        } else if ((args.length == 3 || args.length == 4) && args[0].equals("lab-tree")) {
            int rounds = args.length == 4 ? Integer.parseInt(args[3]) : 3;
            for (String line : LabTreeChoices.run(Integer.parseInt(args[1]), Path.of(args[2]), rounds)) {
                System.out.println(line);
            }
        } else if (args.length == 3 && args[0].equals("scenario")) {
            // the synthetic host's scenario alone (no tree): what --host lab:FILE and the GUI open
            java.nio.file.Files.writeString(Path.of(args[2]), SyntheticHost.scenarioYaml(Integer.parseInt(args[1])));
        } else if (args.length >= 3 && args[0].equals("report")) {
            java.util.List<Integer> sizes = new java.util.ArrayList<>();
            for (String a : Arrays.copyOfRange(args, 2, args.length)) {
                sizes.add(Integer.parseInt(a));
            }
            System.out.print(ScanReport.report(Path.of(args[1]), sizes));
        } else if (args.length >= 1 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            fail("usage: java -jar benchmarks.jar generate N DIR | scenario N FILE | lab-tree N WORK [ROUNDS]"
                    + " | report OUT N... | jmh [JMH options]");
        }
    }

    private static void fail(String message) {
        System.err.println("benchmarks: " + message);
        System.exit(2);
    }
}
