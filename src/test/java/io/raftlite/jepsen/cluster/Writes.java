package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * One write through one node and what the client can conclude from the answer: acknowledged,
 * definitely failed, or unknown (no answer in time: it may still be applied). The self-tests use it
 * to check what faults do to writes; workloads record richer operations of their own.
 */
public final class Writes {
    private Writes() {
    }

    /** What a client knows after a write. */
    public enum Outcome {
        /** 200 with a result for every statement and no error. */
        OK,
        /** An answer that is not an acknowledgement (an error status, or an error in the body). */
        FAILED,
        /** No answer in time, or the connection broke after sending: the write may or may not apply. */
        UNKNOWN
    }

    /** A write's outcome with the answer's status and body (or the failure) for messages. */
    public record Result(Outcome outcome, String detail, long millis) {
    }

    /** POSTs {@code statementsJson} (an rqlite JSON array) to {@code /db/execute} on {@code node}. */
    public static Result execute(ClusterNode node, String statementsJson, Duration timeout) {
        long start = System.nanoTime();
        try {
            NodeHttp.Answer a = node.http().postJson("/db/execute", statementsJson, timeout);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Result(acknowledged(a) ? Outcome.OK : Outcome.FAILED, a.status() + " " + a.body(), millis);
        } catch (HttpTimeoutException e) {
            return new Result(Outcome.UNKNOWN, "timeout: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        } catch (java.net.ConnectException e) {
            // never reached the node: nothing was sent
            return new Result(Outcome.FAILED, "connect: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            return new Result(Outcome.UNKNOWN, e.toString(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static boolean acknowledged(NodeHttp.Answer a) {
        if (a.status() != 200) {
            return false;
        }
        JsonNode body;
        try {
            body = a.json();
        } catch (RuntimeException e) {
            return false;
        }
        if (body.has("error") || !body.path("results").isArray() || body.path("results").isEmpty()) {
            return false;
        }
        for (JsonNode r : body.path("results")) {
            if (r.has("error")) {
                return false;
            }
        }
        return true;
    }
}
