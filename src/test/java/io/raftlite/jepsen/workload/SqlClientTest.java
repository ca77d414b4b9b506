package io.raftlite.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.cluster.NodeHttp;
import io.raftlite.jepsen.history.Operation;
import org.junit.jupiter.api.Test;

/**
 * What each kind of raftlite answer proves about a request: the table in {@link SqlClient}'s
 * comment, on the answers raftlite really gives (bodies as docs/api.md and LeaderRouting produce them).
 */
class SqlClientTest {

    private static SqlClient.Answer classify(int status, String body) {
        return SqlClient.classify(new NodeHttp.Answer(status, body));
    }

    @Test
    void resultsAreDefiniteAndReadable() {
        SqlClient.Answer a = classify(200, "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{}]}");
        assertThat(a).isInstanceOf(SqlClient.Answer.Results.class);
        SqlClient.Answer.Results r = (SqlClient.Answer.Results) a;
        assertThat(r.firstError()).isNull();
        assertThat(r.rowsAffected(0)).isEqualTo(1);
        assertThat(r.rowsAffected(1)).as("omitted when 0").isZero();
    }

    @Test
    void aStatementErrorIsAResultTheWorkloadJudges() {
        SqlClient.Answer a = classify(200,
                "{\"results\":[{\"error\":\"UNIQUE constraint failed: elements.v\"}]}");
        assertThat(a).isInstanceOf(SqlClient.Answer.Results.class);
        assertThat(((SqlClient.Answer.Results) a).firstError()).contains("UNIQUE");
    }

    @Test
    void rowsOfAQueryAreReadable() {
        SqlClient.Answer.Results r = (SqlClient.Answer.Results) classify(200,
                "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"integer\"],\"values\":[[3],[5]]},"
                        + "{\"columns\":[\"v\"],\"types\":[\"integer\"]}]}");
        assertThat(r.rows(0)).hasSize(2);
        assertThat(r.rows(0).get(1).get(0).asLong()).isEqualTo(5);
        assertThat(r.rows(1)).as("no values: no rows").isEmpty();
    }

    @Test
    void aTopLevelErrorLeavesTheOutcomeUnknown() {
        // a forwarded request whose leader lost leadership, a failed forward, an apply timeout
        for (String error : new String[] {"not leader", "timeout waiting for node to respond",
                "timeout applying to Raft log", "Leader stepped down"}) {
            SqlClient.Answer a = classify(200, "{\"results\":[],\"error\":\"" + error + "\"}");
            assertThat(a).as(error).isInstanceOf(SqlClient.Answer.Unknown.class);
            assertThat(a.detail()).contains(error);
        }
    }

    @Test
    void leaderNotFoundIsUnknownBecauseADeposedLeaderMayHaveProposedTheWrite() {
        SqlClient.Answer a = classify(503, "leader not found");
        assertThat(a).isInstanceOf(SqlClient.Answer.Unknown.class);
        assertThat(Outcome.ofUnappliedWrite(a).type()).isEqualTo(Operation.Type.INFO);
    }

    @Test
    void aBadRequestWasNeverApplied() {
        SqlClient.Answer a = classify(400, "invalid JSON body");
        assertThat(a).isInstanceOf(SqlClient.Answer.NotSent.class);
        assertThat(Outcome.ofUnappliedWrite(a).type()).isEqualTo(Operation.Type.FAIL);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(classify(500, "boom")).isInstanceOf(SqlClient.Answer.Unknown.class);
        assertThat(classify(200, "not json")).isInstanceOf(SqlClient.Answer.Unknown.class);
        assertThat(classify(200, "{\"something\":1}")).isInstanceOf(SqlClient.Answer.Unknown.class);
        assertThat(classify(301, "")).isInstanceOf(SqlClient.Answer.Unknown.class);
    }
}
