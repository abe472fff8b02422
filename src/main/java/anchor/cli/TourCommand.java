package anchor.cli;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Weights;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chapter tour: each chapter's numbers printed beside the value the document prints, in the document's order.
 * Runs on the {@code gpt2} architecture with seeded random weights unless {@code --model DIR} names real ones.
 */
@Command(name = "tour", description = "Walk the chapters, printing each document's numbers beside ours.")
final class TourCommand implements Runnable {
    static final List<String> CHAPTERS = List.of("foundation", "reference-model", "world", "dpo", "ppo", "exact");

    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Parameters(arity = "0..1", paramLabel = "CHAPTER", description = "One chapter: ${COMPLETION-CANDIDATES} (default: all).",
            completionCandidates = Chapters.class)
    String chapter;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class Chapters extends ArrayList<String> {
        Chapters() {
            super(CHAPTERS);
        }
    }

    @Override
    public void run() {
        if (chapter != null && !CHAPTERS.contains(chapter)) {
            throw new AnchorException("unknown chapter '" + chapter + "'; chapters: " + String.join(", ", CHAPTERS));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (modelOptions.model == null && modelOptions.config == null) modelOptions.config = "gpt2";
        Gpt2Weights weights = modelOptions.load(spec.commandLine().getErr());
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        Tour tour = new Tour(out);
        if (chapter == null || chapter.equals("foundation")) FoundationTour.run(tour, weights, tok);
        if (chapter == null || chapter.equals("reference-model")) ReferenceModelTour.run(tour, weights, tok);
        if (chapter == null || chapter.equals("world")) WorldTour.run(tour);
        if (chapter == null || chapter.equals("dpo")) DpoTour.run(tour);
        if (chapter == null || chapter.equals("ppo")) PpoTour.run(tour);
        if (chapter == null || chapter.equals("exact")) ExactTour.run(tour);
        long differ = tour.notOk(Tour.Kind.DOCUMENT), missed = tour.notOk(Tour.Kind.ANCHORS_BAR), slips = tour.notOk(Tour.Kind.SLIP);
        out.printf("%n%d lines: %d of the document's numbers, %d differ; %d of Anchor's own bars, %d missed; %d claims of the document tested, %d do not hold here%n",
                tour.lines().size(), tour.count(Tour.Kind.DOCUMENT), differ, tour.count(Tour.Kind.ANCHORS_BAR), missed, tour.count(Tour.Kind.SLIP), slips);
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("lines", tour.lines());
            r.put("differ", differ);
            r.put("bars_missed", missed);
            r.put("claims_not_holding", slips);
            Common.printJson(out, r);
        }
        if (differ + missed > 0) throw new AnchorException(differ + " tour line(s) differ from the document and " + missed + " miss Anchor's own bar");
    }
}
