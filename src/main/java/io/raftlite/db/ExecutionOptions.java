package io.raftlite.db;

import java.time.Duration;

/**
 * How a batch of statements runs.
 *
 * @param transaction run the batch inside one transaction; stop and roll back at the first failure
 * @param timeout per-statement deadline ({@code db_timeout}); null or zero for none
 * @param qualifyColumns name result columns {@code table.column} where SQLite knows the table
 * @param timings measure each statement's duration
 */
public record ExecutionOptions(boolean transaction, Duration timeout, boolean qualifyColumns, boolean timings) {
    public static final ExecutionOptions DEFAULT = new ExecutionOptions(false, null, false, false);
}
