package io.raftlite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.db.Statement;
import io.raftlite.http.BadRequestException;
import io.raftlite.http.StatementParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's first find, at unit level: {@link StatementParser} reads nested JSON without
 * recursion, so a body nested up to the parser's 10,000-level limit gets rqlite's 400 answers, even
 * on a thread with a small stack, instead of a StackOverflowError. And what nests legitimately still
 * parses as before.
 */
class StatementParserNestingTest {
    private static final int LIMIT = 10_000;
    private final StatementParser parser = new StatementParser();

    /** Runs the parser on a thread with a 256 KiB stack, far smaller than a request thread's. */
    private Object parseOnSmallStack(String body) throws InterruptedException {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(parser.parseJson(body.getBytes(StandardCharsets.UTF_8)));
            } catch (Throwable e) {
                out.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        return out.get();
    }

    private void assertBadRequest(String body, String message) throws InterruptedException {
        Object result = parseOnSmallStack(body);
        assertThat(result).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.status()).isEqualTo(400);
        });
    }

    private static String nested(String open, String close, int depth, String leaf) {
        return open.repeat(depth) + leaf + close.repeat(depth);
    }

    @Test
    void arraysUpToTheLimitAreAnInvalidRequest() throws InterruptedException {
        assertBadRequest(nested("[", "]", LIMIT, ""), "invalid request");
    }

    @Test
    void beyondTheLimitIsInvalidJson() throws InterruptedException {
        assertBadRequest(nested("[", "]", LIMIT + 1, ""), "invalid JSON body");
        assertBadRequest(nested("[", "]", 200_000, "1"), "invalid JSON body");
    }

    @Test
    void deepParametersAreAnUnsupportedType() throws InterruptedException {
        assertBadRequest("[[\"SELECT ?\", " + nested("[", "]", LIMIT - 3, "1") + "]]", "unsupported type []interface {}");
        assertBadRequest("[[\"SELECT :a\", {\"a\": " + nested("{\"a\":", "}", LIMIT - 4, "1") + "}]]",
                "unsupported type map[string]interface {}");
        // a list whose first element is an object: the object is what rqlite names
        assertBadRequest("[[\"SELECT ?\", " + nested("[{\"a\":", "}]", LIMIT / 2 - 2, "1") + "]]",
                "unsupported type map[string]interface {}");
    }

    @Test
    void unbalancedDeepNestingIsInvalidJson() throws InterruptedException {
        assertBadRequest("[[\"SELECT ?\", " + "[".repeat(LIMIT - 3), "invalid JSON body");
        assertBadRequest("[[\"SELECT :a\", {\"a\": " + "{\"a\":".repeat(5000) + "1" + "]".repeat(5000), "invalid JSON body");
    }

    @Test
    void shallowStructuresStillParse() throws InterruptedException {
        Object result = parseOnSmallStack("[[\"SELECT :a, ?, ?\", {\"a\": 1, \"b\": \"x'00ff'\"}, [1, 2, 255], null],"
                + " \"SELECT 1\", [\"SELECT ?\", {}]]");
        assertThat(result).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<Statement> statements = (List<Statement>) result;
        assertThat(statements).hasSize(3);
        Statement first = statements.get(0);
        assertThat(first.sql()).isEqualTo("SELECT :a, ?, ?");
        assertThat(first.parameters()).hasSize(4);
        assertThat(first.parameters().get(0).name()).isEqualTo("a");
        assertThat(first.parameters().get(0).value()).isEqualTo(1L);
        assertThat(first.parameters().get(1).name()).isEqualTo("b");
        assertThat(first.parameters().get(1).value()).isEqualTo(new byte[] {0, (byte) 0xff});
        assertThat(first.parameters().get(2).value()).isEqualTo(new byte[] {1, 2, (byte) 255});
        assertThat(first.parameters().get(3).value()).isNull();
        assertThat(statements.get(1).sql()).isEqualTo("SELECT 1");
        assertThat(statements.get(2).parameters()).isEmpty();
    }
}
