package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedNode.class)
class SmokeIT {
    private final Api api = SharedNode.api();

    @Test
    void writesThenReadsBack() {
        assertThat(api.execute("[\"CREATE TABLE smoke (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]"))
                .isEqualTo("{\"results\":[{}]}");
        assertThat(api.execute("[[\"INSERT INTO smoke(name) VALUES(?)\", \"fiona\"]]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT * FROM smoke"))
                .isEqualTo("{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],\"values\":[[1,\"fiona\"]]}]}");
    }
}
