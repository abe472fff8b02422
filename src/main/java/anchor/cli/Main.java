package anchor.cli;

import anchor.AnchorException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code anchor} command. Errors caused by input print one line naming the problem and exit 2. */
@Command(name = "anchor", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "anchor 0.1.0",
        description = "The math that keeps an RLHF/DPO policy close to its reference model, on GPT-2 in SameDiff.",
        subcommands = {TourCommand.class, TokenizeCommand.class, DecodeCommand.class, ParamsCommand.class,
                LogprobsCommand.class, GenerateCommand.class, InitCommand.class, ReferenceCommand.class, KlCommand.class, KlLabCommand.class, DriftCommand.class, WorldCommand.class, DpoLossCommand.class, DpoCommand.class, RewardCommand.class, PpoExplainCommand.class, PpoCommand.class, ExperimentCommand.class, ExactCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit code (0 ok, 2 bad input, 3 internal error or out of memory). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose"), json = java.util.Arrays.asList(args).contains("--json");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            if (verbose) e.printStackTrace(err);
            if (e instanceof AnchorException) {
                err.println("anchor: error: " + e.getMessage());
                if (json) Common.printJson(out, java.util.Map.of("error", e.getMessage()));
                return 2;
            }
            err.println("anchor: internal error: " + e + (verbose ? "" : " (run with --verbose for the trace)"));
            if (json) Common.printJson(out, java.util.Map.of("error", "internal error: " + e));
            return 3;
        });
        cl.setParameterExceptionHandler((e, params) -> {
            // one line, not the whole usage; the command's --help has the rest
            String dashed = java.util.Arrays.stream(params).filter(a -> a.startsWith("-") && a.length() > 1 && !a.startsWith("--") && !e.getCommandLine().getCommandSpec().optionsMap().containsKey(a))
                    .findFirst().orElse(null);
            if (dashed != null && e.getMessage().startsWith("Missing required parameter")) {
                err.println("anchor: error: '" + dashed + "' was read as an option; to pass text that starts with '-', put -- before it: anchor "
                        + e.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^anchor ?", "") + " -- " + dashed);
                if (json) Common.printJson(out, java.util.Map.of("error", "'" + dashed + "' was read as an option; put -- before it"));
                return 2;
            }
            err.println("anchor: error: " + e.getMessage() + " (see: anchor " + e.getCommandLine().getCommandSpec().qualifiedName(" ")
                    .replaceFirst("^anchor ?", "") + (e.getCommandLine().getCommandSpec().qualifiedName().equals("anchor") ? "" : " ") + "--help)");
            if (json) Common.printJson(out, java.util.Map.of("error", e.getMessage()));
            return 2;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            if (verbose) e.printStackTrace(err);
            code = outOfMemory(e, json, out, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Out of memory: one line on stderr, and with {@code --json} the {@code {"error": …}} every failure ends with; exit 3. */
    static int outOfMemory(OutOfMemoryError e, boolean json, PrintWriter out, PrintWriter err) {
        String message = "out of memory (" + e.getMessage() + "); use a smaller --batch, or raise the limits in "
                + "ANCHOR_JAVA_OPTS (-Xmx…, -Dorg.bytedeco.javacpp.maxphysicalbytes=…)";
        err.println("anchor: error: " + message);
        if (json) Common.printJson(out, java.util.Map.of("error", message));
        return 3;
    }
}
