package anchor.course;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ./exercise's bad input: a one-line error naming the problem (main turns it into exit status 2), never a stack trace. */
class CourseTest {
    static final Project PROJECT = Project.here();

    @Test
    void badInputIsNamed(@TempDir Path tmp) {
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"9.9"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no exercise '9.9'").hasMessageContaining("6.2");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"6.2", "--timeout", "soon"})).hasMessageContaining("--timeout needs a positive number");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"6.2", "--fast"})).hasMessageContaining("unknown option --fast");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"grade"})).hasMessageContaining("grade needs one SUBMISSION");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"grade", tmp.resolve("nobody").toString()})).hasMessageContaining("no submission directory");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"grade", tmp.toString(), "--only", "6.9"})).hasMessageContaining("no exercise '6.9'");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"grade", tmp.toString(), "--json"})).hasMessageContaining("--json needs a value");
        assertThatThrownBy(() -> Course.run(PROJECT, new String[]{"handout"})).hasMessageContaining("handout needs one DIR");
    }

    @Test
    void listAndHelpExitZero() {
        assertThat(Course.run(PROJECT, new String[]{"list"})).isZero();
        assertThat(Course.run(PROJECT, new String[]{"--help"})).isZero();
    }
}
