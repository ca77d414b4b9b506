package io.raftlite.http;

import io.raftlite.db.StatementResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns statement results into rqlite's response JSON: keys in rqlite's order, zero counters
 * omitted, {@code values} omitted when there are no rows, the associative form on request, BLOBs as
 * base64 or byte arrays. Stateless.
 *
 * <p>In the associative form the {@code types} object and every row object list their keys sorted
 * (by code point, which is UTF-8 byte order), as Go's encoder does for maps; a repeated column name
 * keeps its last value.
 */
final class ResultRenderer {

    /**
     * Rendering switches taken from the query string.
     *
     * @param queryRows the results come from {@code /db/query}, where rqlite reports every entry,
     *     failed ones included, as a rows object: in the associative form an error entry is then
     *     {@code {"rows":[],"error":"..."}} rather than {@code {"error":"..."}}
     */
    record Style(boolean associative, boolean blobArray, boolean timings, boolean pretty, boolean queryRows) {
        static Style from(QueryParams q) {
            return new Style(q.has("associative"), q.has("blob_array"), q.has("timings"), q.has("pretty"), false);
        }

        /** The same style for {@code /db/query} results. */
        Style forQuery() {
            return new Style(associative, blobArray, timings, pretty, true);
        }
    }

    /** Go sorts map keys by their UTF-8 bytes, which is code point order. */
    private static final Comparator<String> GO_KEY_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private ResultRenderer() {
    }

    /** What Go prefixes to an encoding failure inside the results (rqlite encodes them in a {@code MarshalJSON}). */
    static final String RESULTS_ENCODING_ERROR = "json: error calling MarshalJSON for type *http.DBResults: ";

    /**
     * The whole response body; {@code error}, {@code time}, {@code raftIndex} are omitted when empty or zero.
     *
     * @throws IllegalArgumentException if a value cannot be encoded (a REAL that is NaN or infinite), with
     *     the message rqlite answers with HTTP 500
     */
    static String render(List<StatementResult> results, String error, double time, Long sequenceNumber, long raftIndex,
            Style style) {
        Map<String, Object> top = new LinkedHashMap<>();
        List<Object> entries = new ArrayList<>(results.size());
        for (StatementResult r : results) {
            entries.add(entry(r, style));
        }
        top.put("results", entries);
        if (error != null && !error.isEmpty()) {
            top.put("error", error);
        }
        if (style.timings() && time != 0) {
            top.put("time", time);
        }
        if (sequenceNumber != null) {
            top.put("sequence_number", sequenceNumber);
        }
        if (raftIndex != 0) {
            top.put("raft_index", raftIndex);
        }
        try {
            return Json.write(top, style.pretty());
        } catch (IllegalArgumentException e) {
            // everything outside "results" is a finite number, a string or an integer
            throw new UnencodableResultException(RESULTS_ENCODING_ERROR + e.getMessage(), e);
        }
    }

    /**
     * A result JSON cannot carry (a REAL that is NaN or infinite). The query asked for it, so it is
     * the client's to change: answered 400 with rqlite's message (rqlite answers 500).
     */
    static final class UnencodableResultException extends RuntimeException {
        UnencodableResultException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String error(String message, Style style) {
        return render(List.of(), message, 0, null, 0, style);
    }

    private static Map<String, Object> entry(StatementResult r, Style style) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r instanceof StatementResult.Write w) {
                if (w.lastInsertId() != 0) {
                    m.put("last_insert_id", w.lastInsertId());
                }
                if (w.rowsAffected() != 0) {
                    m.put("rows_affected", w.rowsAffected());
                }
                if (style.timings() && w.time() != 0) {
                    m.put("time", w.time());
                }
                if (style.associative()) {
                    m.put("rows", null);
                }
        } else if (r instanceof StatementResult.Rows rows) {
                if (style.associative()) {
                    Map<String, Object> types = new TreeMap<>(GO_KEY_ORDER);
                    for (int i = 0; i < rows.columns().size(); i++) {
                        types.put(rows.columns().get(i), rows.types().get(i));
                    }
                    if (!types.isEmpty()) {
                        m.put("types", types);
                    }
                    List<Object> out = new ArrayList<>(rows.rows().size());
                    for (List<Object> row : rows.rows()) {
                        Map<String, Object> o = new TreeMap<>(GO_KEY_ORDER);
                        for (int i = 0; i < rows.columns().size(); i++) {
                            o.put(rows.columns().get(i), value(row.get(i), style));
                        }
                        out.add(o);
                    }
                    m.put("rows", out);
                } else {
                    if (!rows.columns().isEmpty()) {
                        m.put("columns", rows.columns());
                        m.put("types", rows.types());
                    }
                    if (!rows.rows().isEmpty()) {
                        List<Object> out = new ArrayList<>(rows.rows().size());
                        for (List<Object> row : rows.rows()) {
                            List<Object> vals = new ArrayList<>(row.size());
                            for (Object v : row) {
                                vals.add(value(v, style));
                            }
                            out.add(vals);
                        }
                        m.put("values", out);
                    }
                }
                if (style.timings() && rows.time() != 0) {
                    m.put("time", rows.time());
                }
        } else if (r instanceof StatementResult.Error e) {
            if (style.associative() && style.queryRows()) {
                m.put("rows", List.of());
            }
            m.put("error", e.message());
        }
        return m;
    }

    private static Object value(Object v, Style style) {
        if (v instanceof byte[] bytes) {
            if (style.blobArray()) {
                List<Object> arr = new ArrayList<>(bytes.length);
                for (byte b : bytes) {
                    arr.add((long) (b & 0xff));
                }
                return arr;
            }
            return Base64.getEncoder().encodeToString(bytes);
        }
        return v;
    }
}
