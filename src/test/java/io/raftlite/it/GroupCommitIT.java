package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group commit on a real node (docs/architecture.md): concurrent write requests share log entries,
 * yet each is its own request with its own results and errors, and all of them are applied.
 */
@ExtendWith(SharedNode.class)
class GroupCommitIT {
    private static final String TABLE = "group_commit";
    private static final int CLIENTS = 32;
    private static final int ROUNDS = 20;

    private final Api api = SharedNode.api();

    @Test
    void concurrentWritesShareEntriesAndKeepTheirOwnResults() throws Exception {
        api.execute("[\"CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        Map<Long, Integer> requestsPerIndex = new HashMap<>();
        int failedAsExpected = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                List<CompletableFuture<Api.Response>> answers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int id = round * CLIENTS + c + 1;
                    // every eighth request fails on its own: NULL into a NOT NULL column
                    String value = c % 8 == 7 ? "NULL" : "'v" + id + "'";
                    String body = "[\"INSERT INTO " + TABLE + "(id, v) VALUES(" + id + ", " + value + ")\"]";
                    answers.add(CompletableFuture.supplyAsync(() -> api.post("/db/execute?raft_index", body), clients));
                }
                for (int c = 0; c < CLIENTS; c++) {
                    Api.Response r = answers.get(c).get();
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    JsonNode json = r.json();
                    JsonNode result = json.get("results").get(0);
                    int id = round * CLIENTS + c + 1;
                    if (c % 8 == 7) {
                        assertThat(result.get("error").asText()).as(r.body()).contains("NOT NULL constraint failed");
                        failedAsExpected++;
                    } else {
                        assertThat(result.get("last_insert_id").asLong()).as(r.body()).isEqualTo(id);
                        assertThat(result.get("rows_affected").asLong()).as(r.body()).isEqualTo(1);
                    }
                    requestsPerIndex.merge(json.get("raft_index").asLong(), 1, Integer::sum);
                }
            }
        } finally {
            clients.shutdownNow();
        }
        int requests = CLIENTS * ROUNDS;
        assertThat(failedAsExpected).isEqualTo(requests / 8);
        // Shared entries: fewer distinct indexes than requests, and at least one entry carried several.
        assertThat(requestsPerIndex.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(requests);
        assertThat(requestsPerIndex.size()).as("entries for %d requests", requests).isLessThan(requests);
        assertThat(requestsPerIndex.values().stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
        String count = api.query("SELECT COUNT(*), SUM(id) FROM " + TABLE);
        long expectedRows = requests - requests / 8;
        long expectedSum = 0;
        for (int id = 1; id <= requests; id++) {
            if ((id - 1) % CLIENTS % 8 != 7) {
                expectedSum += id;
            }
        }
        assertThat(Api.parse(count).get("results").get(0).get("values").get(0).get(0).asLong()).isEqualTo(expectedRows);
        assertThat(Api.parse(count).get("results").get(0).get("values").get(0).get(1).asLong()).isEqualTo(expectedSum);
    }
}
