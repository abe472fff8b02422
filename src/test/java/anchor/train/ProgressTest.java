package anchor.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bar goes to stderr only when stderr itself is a terminal: a log file gets no carriage returns or colours. */
class ProgressTest {
    @Test
    void onlyATerminalDeviceGetsTheBar() {
        assertThat(Progress.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Progress.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(Progress.isTerminalDevice("/home/me/run.log")).as("stderr redirected to a file").isFalse();
        assertThat(Progress.isTerminalDevice("pipe:[81723]")).as("a pipe").isFalse();
        assertThat(Progress.isTerminalDevice("/dev/null")).isFalse();
    }

    @Test
    void underTheTestRunnerStderrIsNoTerminalAndTheBarIsSilent() {
        assertThat(Progress.stderrIsTerminal()).as("surefire pipes stderr").isFalse();
        try (Progress p = Progress.start("t", 3, 0, true)) {
            p.step("x");
        }
    }
}
