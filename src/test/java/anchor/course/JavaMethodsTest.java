package anchor.course;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JavaMethodsTest {
    static final String SRC = """
            package p;
            /** a { brace in a comment */
            public final class C {
                static final String S = "}{";
                public record R(double a) {
                }
                public static double f(double x, double y) {
                    // }
                    return x + y;
                }
                static int g() throws java.io.IOException {
                    return Math.max(1, 2);
                }
                static <T> java.util.List<T> h(java.util.Map<String, T> m) {
                    if (m.isEmpty()) { return java.util.List.of(); }
                    return java.util.List.copyOf(m.values());
                }
            }
            """;

    @Test
    void findsTheMethodsOfTheClassWithTheirArity() {
        List<JavaMethods.Method> ms = JavaMethods.of(SRC);
        assertThat(ms).extracting(JavaMethods.Method::key).containsExactly("f(double,double)", "g()", "h(Map<String,T>)");
        assertThat(ms.get(0).body(SRC)).contains("return x + y;");
    }

    @Test
    void overloadsOfTheSameArityHaveTheirOwnKeys() {
        String src = "class D {\n static int create(anchor.gpt2.Gpt2Model p, Placement q) { return 1; }\n"
                + " static int create(final Gpt2Weights w, Placement q) { return 2; }\n}\n";
        assertThat(JavaMethods.of(src)).extracting(JavaMethods.Method::key)
                .containsExactly("create(Gpt2Model,Placement)", "create(Gpt2Weights,Placement)");
    }

    @Test
    void fillSwapsBodiesAndKeepsEveryLineNumber() {
        String solution = SRC.replace("return x + y;", "double s = x;\n        s += y;\n        return s;");
        String filled = JavaMethods.fill(SRC, solution, m -> m.name().equals("f"));
        assertThat(filled).contains("double s = x;").contains("s += y;");
        assertThat(filled.lines().count()).isEqualTo(SRC.lines().count());
        assertThat(filled.lines().toList().get(10)).as("g's line stays where it was").contains("static int g()");
    }

    @Test
    void normalisedBodiesIgnoreLayoutCommentsAndVariableNamesButNotCalls() {
        assertThat(JavaMethods.normalized("{ int s = a + b; // sum\n return s; }"))
                .isEqualTo(JavaMethods.normalized("{int t=x+y;\n\n/* the total */ return t;}"));
        assertThat(JavaMethods.normalized("{ return a + b; }")).isNotEqualTo(JavaMethods.normalized("{ return a - b; }"));
        assertThat(JavaMethods.normalized("{ return batch.targetMask(); }")).isNotEqualTo(JavaMethods.normalized("{ return policy.frozenCopy(); }"));
        assertThat(JavaMethods.normalized("{ return Math.exp(x); }")).isNotEqualTo(JavaMethods.normalized("{ return Math.log(x); }"));
    }
}
