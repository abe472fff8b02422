package anchor.data;

/**
 * One preference pair as TRL's preference datasets hold it: {@code prompt}, {@code chosen}, {@code rejected} (plain
 * text; each response continues the prompt as it stands). {@code chosenGold} and {@code rejectedGold} are the true
 * rewards of the responses where the data knows them (the embedded world writes them; NaN elsewhere).
 */
public record PreferencePair(String prompt, String chosen, String rejected, double chosenGold, double rejectedGold) {
    /** A pair without known true rewards. */
    public PreferencePair(String prompt, String chosen, String rejected) {
        this(prompt, chosen, rejected, Double.NaN, Double.NaN);
    }
}
