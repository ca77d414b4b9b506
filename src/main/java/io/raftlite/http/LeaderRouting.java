package io.raftlite.http;

import io.raftlite.store.NotLeaderException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;

/**
 * What to answer when a request needs the leader and this node is not it. With no leader known:
 * {@code 503 leader not found}. Forwarding to a known leader and {@code redirect} answers are the
 * cluster's work; a single node is always its own leader once elected.
 */
public class LeaderRouting {

    ResponseEntity<byte[]> notLeader(HttpServletRequest request, QueryParams q, NotLeaderException e) {
        return PlainText.entity(503, "leader not found");
    }
}
