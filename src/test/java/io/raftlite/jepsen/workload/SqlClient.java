package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.NodeHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One client's connection to one raftlite node: sends SQL to {@code /db/execute} or
 * {@code /db/query} with a deadline and says what the answer proves about the request.
 *
 * <p>Why this is the crux of the suite: a checker treats FAIL as "did not happen". Only answers
 * that prove the statements were never applied may become FAIL; everything else about a write is
 * {@link Answer.Unknown}, recorded as INFO. What raftlite's answers prove (see
 * {@code LeaderRouting}, {@code DataController} and {@code Store}):
 * <ul>
 *   <li><b>the connection could not be opened</b> (refused, or no connection within the connect
 *       timeout): nothing was sent, so nothing was applied: {@link Answer.NotSent};</li>
 *   <li><b>no answer within the deadline, or the connection broke</b>: the node may have proposed
 *       the entry, and a proposed entry may commit at any later time: {@link Answer.Unknown};</li>
 *   <li><b>503 {@code leader not found}</b>: usually a follower that knew no leader and sent
 *       nothing on, but the node that answers it may also have been the leader, proposed the entry
 *       and then lost leadership (SOFAJRaft fails pending proposals with EPERM "Leader stepped
 *       down", which raftlite turns into "not leader"; such an entry may still be committed by the
 *       next leader). The answer does not say which: {@link Answer.Unknown};</li>
 *   <li><b>200 with a top-level {@code error}</b> ({@code not leader} from a forwarded request,
 *       {@code timeout applying to Raft log}, a failed forward such as {@code timeout waiting for
 *       node to respond}): the leader may have applied it: {@link Answer.Unknown};</li>
 *   <li><b>200 with {@code results}</b>: the batch went through the Raft log and these are its
 *       results: {@link Answer.Results}; the workload judges them (a per-statement {@code error},
 *       such as a SQL error, means that statement, and with {@code transaction} the batch, had no
 *       effect);</li>
 *   <li><b>400</b>: the request was refused before anything was done: {@link Answer.NotSent};</li>
 *   <li>any other status or an unreadable body: {@link Answer.Unknown}.</li>
 * </ul>
 * Reads change nothing, so for a read every answer other than {@link Answer.Results} is simply a
 * failed read; the workloads record those as FAIL.
 *
 * <p>No retries here, and none asked of raftlite ({@code retries} is left at 0): a retried write
 * could be applied twice.
 */
public final class SqlClient {
    private final ClusterNode node;
    private final Duration timeout;

    /** What an answer proves. */
    public sealed interface Answer permits Answer.Results, Answer.NotSent, Answer.Unknown {
        /** The answer in words, for the history's error field. */
        String detail();

        /** 200 with a {@code results} array (one entry per statement) and no top-level error. */
        record Results(ArrayNode results, String detail) implements Answer {
            /** The result of statement {@code i}. */
            public JsonNode get(int i) {
                return results.get(i);
            }

            /** The per-statement error of statement {@code i}, or null. */
            public String error(int i) {
                JsonNode r = results.get(i);
                JsonNode e = r == null ? null : r.get("error");
                return e == null || e.isNull() ? null : e.asString();
            }

            /** The first per-statement error, or null if every statement succeeded. */
            public String firstError() {
                for (int i = 0; i < results.size(); i++) {
                    if (error(i) != null) {
                        return error(i);
                    }
                }
                return null;
            }

            /** {@code rows_affected} of statement {@code i} (raftlite omits it when 0). */
            public long rowsAffected(int i) {
                return results.get(i).path("rows_affected").asLong(0);
            }

            /** The {@code values} rows of statement {@code i} (empty if there are none). */
            public List<JsonNode> rows(int i) {
                JsonNode values = results.get(i).path("values");
                return values.isArray() ? List.copyOf(values.values()) : List.of();
            }
        }

        /** Definitely not applied: the request never reached the database. */
        record NotSent(String detail) implements Answer {
        }

        /** May or may not have been applied, now or later. */
        record Unknown(String detail) implements Answer {
        }
    }

    public SqlClient(ClusterNode node, Duration timeout) {
        this.node = Objects.requireNonNull(node, "node");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public ClusterNode node() {
        return node;
    }

    /** {@code n1}, {@code n2}, ... */
    public String nodeId() {
        return node.id();
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * A parameterized statement as rqlite's JSON wants it: {@code ["SQL", arg1, arg2]}. Arguments
     * may be {@link Long}, {@link Integer} or {@link String}.
     */
    public static ArrayNode statement(String sql, Object... args) {
        ArrayNode s = JsonNodeFactory.instance.arrayNode();
        s.add(sql);
        for (Object a : args) {
            if (a instanceof Long l) {
                s.add(l.longValue());
            } else if (a instanceof Integer i) {
                s.add(i.intValue());
            } else if (a instanceof String str) {
                s.add(str);
            } else {
                throw new IllegalArgumentException("unsupported parameter " + a);
            }
        }
        return s;
    }

    /** POSTs the statements to {@code /db/execute} (with {@code ?transaction} if asked). */
    public Answer execute(boolean transaction, ArrayNode... statements) {
        return send(transaction ? "/db/execute?transaction" : "/db/execute", statements);
    }

    /** POSTs the statements to {@code /db/query?level=<level>}. */
    public Answer query(String level, ArrayNode... statements) {
        return send("/db/query?level=" + level, statements);
    }

    private Answer send(String pathAndQuery, ArrayNode... statements) {
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        for (ArrayNode s : statements) {
            body.add(s);
        }
        NodeHttp.Answer a;
        try {
            a = node.http().postJson(pathAndQuery, body.toString(), timeout);
        } catch (HttpConnectTimeoutException e) {
            return new Answer.NotSent("connect timeout");
        } catch (HttpTimeoutException e) {
            return new Answer.Unknown("timeout after " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Answer.NotSent("connection refused");
        } catch (IOException e) {
            return new Answer.Unknown("connection lost: " + e);
        }
        return classify(a);
    }

    /** What one HTTP answer proves; see the class comment. Package-private for the tests. */
    static Answer classify(NodeHttp.Answer a) {
        String body = a.body() == null ? "" : a.body().trim();
        String shown = body.length() > 200 ? body.substring(0, 200) + "..." : body;
        if (a.status() == 400) {
            return new Answer.NotSent("400 " + shown);
        }
        if (a.status() != 200) {
            return new Answer.Unknown(a.status() + " " + shown);
        }
        JsonNode json;
        try {
            json = NodeHttp.parse(body);
        } catch (RuntimeException e) {
            return new Answer.Unknown("200 with unreadable body: " + shown);
        }
        JsonNode error = json.get("error");
        if (error != null && !error.isNull()) {
            return new Answer.Unknown("error: " + error.asString());
        }
        JsonNode results = json.get("results");
        if (!(results instanceof ArrayNode array)) {
            return new Answer.Unknown("200 without results: " + shown);
        }
        return new Answer.Results(array, shown);
    }
}
