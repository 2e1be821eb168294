package org.vfioinspector.app.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code vfio-inspector COMMAND [options]}. Exit codes: 0 ok, 1 host unreadable, 2 bad arguments. */
@Command(name = "vfio-inspector", mixinStandardHelpOptions = true, version = "vfio-inspector 0.1.0",
        description = "Inspect Linux VFIO: IOMMU groups, PCI devices, BAR mmap and dma-buf export.",
        subcommands = {ListCommand.class, ProbeCommand.class, WitnessCommand.class, ConformanceCommand.class,
            P2pImportCommand.class})
public final class Cli implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_HOST_UNREADABLE = 1;
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    /** Runs the CLI and returns the process exit code; never calls System.exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Cli());
        // UTF-8 whatever the locale: JSON is UTF-8 by definition (RFC 8259), and under a C locale (cron, systemd,
        // ssh without one) every "→" of a rule and every non-ASCII pci.ids name came out as '?'
        cl.setOut(new Output(out));
        cl.setErr(new PrintWriter(new BufferedWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8)), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("vfio-inspector: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    /** The command's output: text through this writer, or UTF-8 bytes straight to the stream (a JSON document). */
    static final class Output extends PrintWriter {
        private final OutputStream bytes;

        Output(OutputStream bytes) {
            super(new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8)), true);
            this.bytes = bytes;
        }

        /** The stream under {@code out}, with what was written to the writer flushed first. */
        static OutputStream bytes(PrintWriter out) {
            out.flush();
            if (out instanceof Output o) {
                return o.bytes;
            }
            throw new IllegalStateException("a command's bytes are written through the output Cli.run made");
        }
    }
}
