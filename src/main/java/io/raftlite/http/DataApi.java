package io.raftlite.http;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.http.ResponseEntity;

/** The OpenAPI description of the data endpoints; {@link DataController} implements it. */
@Tag(name = "data", description = "Writes and reads, rqlite-compatible")
public interface DataApi {

    String STATEMENTS_SCHEMA = "A JSON array; each element is an SQL string or an array [sql, params...] where a param "
            + "is a positional value or an object of named values";
    String EXAMPLE_WRITE = "[\"CREATE TABLE foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\", "
            + "[\"INSERT INTO foo(name) VALUES(?)\", \"fiona\"], [\"INSERT INTO foo(name) VALUES(:name)\", {\"name\": \"declan\"}]]";
    String EXAMPLE_WRITE_RESPONSE = "{\"results\":[{},{\"last_insert_id\":1,\"rows_affected\":1},"
            + "{\"last_insert_id\":2,\"rows_affected\":1}]}";
    String EXAMPLE_QUERY = "[\"SELECT * FROM foo\", [\"SELECT * FROM foo WHERE name = ?\", \"fiona\"]]";
    String EXAMPLE_QUERY_RESPONSE = "{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],"
            + "\"values\":[[1,\"fiona\"],[2,\"declan\"]]}]}";

    /** Query parameters every data endpoint takes. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Parameter(name = "pretty", in = ParameterIn.QUERY, description = "Indent the JSON (presence flag)", allowEmptyValue = true)
    @Parameter(name = "timings", in = ParameterIn.QUERY, description = "Add time fields in seconds (presence flag)", allowEmptyValue = true)
    @Parameter(name = "transaction", in = ParameterIn.QUERY, description = "Run the batch in one transaction; stop at the first error (presence flag)", allowEmptyValue = true)
    @Parameter(name = "associative", in = ParameterIn.QUERY, description = "Rows as objects keyed by column (presence flag)", allowEmptyValue = true)
    @Parameter(name = "blob_array", in = ParameterIn.QUERY, description = "BLOBs as arrays of bytes instead of base64 (presence flag)", allowEmptyValue = true)
    @Parameter(name = "db_timeout", in = ParameterIn.QUERY, description = "Per-statement deadline, a Go duration such as 2s")
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "Deadline for work on the leader, a Go duration (default 30s)")
    @Parameter(name = "retries", in = ParameterIn.QUERY, description = "Retries when forwarding to the leader (integer)")
    @Parameter(name = "redirect", in = ParameterIn.QUERY, description = "Answer 301 to the leader instead of forwarding (presence flag)", allowEmptyValue = true)
    @Parameter(name = "raft_index", in = ParameterIn.QUERY, description = "Include the Raft log index the request was applied at (presence flag)", allowEmptyValue = true)
    @Parameter(name = "noparse", in = ParameterIn.QUERY, description = "Do not parse statements: no rewriting, no RETURNING detection", allowEmptyValue = true)
    @Parameter(name = "norwrandom", in = ParameterIn.QUERY, description = "Do not rewrite RANDOM() and RANDOMBLOB()", allowEmptyValue = true)
    @Parameter(name = "norwtime", in = ParameterIn.QUERY, description = "Do not rewrite 'now' in date and time functions", allowEmptyValue = true)
    @interface CommonParams {
    }

    /** Query parameters of the read endpoints. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Parameter(name = "level", in = ParameterIn.QUERY, description = "Read consistency: none, weak (default), linearizable, strong, auto",
            schema = @Schema(allowableValues = {"none", "weak", "linearizable", "strong", "auto"}))
    @Parameter(name = "freshness", in = ParameterIn.QUERY, description = "For level=none: the longest acceptable time since the leader was heard from")
    @Parameter(name = "freshness_strict", in = ParameterIn.QUERY, description = "Also check the age of the newest applied data (needs freshness)", allowEmptyValue = true)
    @Parameter(name = "linearizable_timeout", in = ParameterIn.QUERY, description = "How long a linearizable read may wait (default 10s)")
    @Parameter(name = "qualify_columns", in = ParameterIn.QUERY, description = "Name columns table.column (presence flag)", allowEmptyValue = true)
    @interface ReadParams {
    }

    @Operation(summary = "Execute writes",
            description = "Runs each statement through the Raft log on the leader. SQL errors are reported per statement with "
                    + "HTTP 200. Content-Type text/plain sends the body as one (multi-statement) SQL string. With queue the "
                    + "request is acknowledged at once with a sequence_number and written in a batch; with queue&wait the "
                    + "call returns once written (408 after timeout).",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = STATEMENTS_SCHEMA,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = EXAMPLE_WRITE))),
            responses = {
                @ApiResponse(responseCode = "200", description = "Results, one per statement",
                        content = @Content(mediaType = "application/json", examples = @ExampleObject(value = EXAMPLE_WRITE_RESPONSE))),
                @ApiResponse(responseCode = "400", description = "invalid JSON body, invalid request, no statements, bad query parameter"),
                @ApiResponse(responseCode = "401", description = "Not authorized"),
                @ApiResponse(responseCode = "408", description = "queue wait timeout"),
                @ApiResponse(responseCode = "503", description = "leader not found")})
    @CommonParams
    @Parameter(name = "queue", in = ParameterIn.QUERY, description = "Queue the write and acknowledge at once (presence flag)", allowEmptyValue = true)
    @Parameter(name = "wait", in = ParameterIn.QUERY, description = "With queue: wait until the batch is written", allowEmptyValue = true)
    ResponseEntity<byte[]> execute(@Parameter(hidden = true) HttpServletRequest request);

    @Operation(summary = "Query with a single statement in q",
            responses = @ApiResponse(responseCode = "200", description = "Rows",
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = EXAMPLE_QUERY_RESPONSE))))
    @Parameter(name = "q", in = ParameterIn.QUERY, description = "The SQL statement", example = "SELECT * FROM foo")
    @CommonParams
    @ReadParams
    ResponseEntity<byte[]> queryGet(@Parameter(hidden = true) HttpServletRequest request);

    @Operation(summary = "Query with statements in the body",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = STATEMENTS_SCHEMA,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = EXAMPLE_QUERY))),
            responses = @ApiResponse(responseCode = "200", description = "Rows, one result per statement",
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = EXAMPLE_QUERY_RESPONSE))))
    @CommonParams
    @ReadParams
    ResponseEntity<byte[]> queryPost(@Parameter(hidden = true) HttpServletRequest request);

    @Operation(summary = "Mixed reads and writes (unified endpoint)",
            description = "A batch with any write, or at level strong, goes through the Raft log; an all-read batch is served "
                    + "at the level asked for.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(description = STATEMENTS_SCHEMA,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(
                            value = "[[\"INSERT INTO foo(name) VALUES(?)\", \"fiona\"], \"SELECT COUNT(*) FROM foo\"]"))))
    @CommonParams
    @ReadParams
    ResponseEntity<byte[]> request(@Parameter(hidden = true) HttpServletRequest request);
}
