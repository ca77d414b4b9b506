package io.raftlite.store;

import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A read (or a mixed {@code /db/request} batch) with the consistency the client asked for.
 *
 * @param freshness for {@link ConsistencyLevel#NONE} reads on a follower: the longest time since
 *     the leader was last heard from; zero for no check
 * @param freshnessStrict also compare the age of the newest applied entry
 * @param linearizableTimeout how long a linearizable read waits for the state machine; null or zero
 *     means {@link #DEFAULT_LINEARIZABLE_TIMEOUT}, as rqlite treats {@code linearizable_timeout=0}
 */
public record ReadRequest(List<Statement> statements, ExecutionOptions options, ConsistencyLevel level,
        Duration freshness, boolean freshnessStrict, Duration linearizableTimeout) {
    /** How long a linearizable read waits when the client does not say (rqlite's HTTP default). */
    public static final Duration DEFAULT_LINEARIZABLE_TIMEOUT = Duration.ofSeconds(10);

    public ReadRequest {
        statements = List.copyOf(statements);
        if (linearizableTimeout == null || linearizableTimeout.isZero()) {
            linearizableTimeout = DEFAULT_LINEARIZABLE_TIMEOUT;
        }
    }
}
