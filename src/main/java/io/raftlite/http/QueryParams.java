package io.raftlite.http;

import io.raftlite.config.GoDuration;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query string as rqlite reads it: standard form decoding, first value of a repeated key wins,
 * keys without {@code =} are legal, and nearly every option is a presence flag
 * ({@code ?transaction=false} turns transactions on). Immutable.
 */
public final class QueryParams {
    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]+");

    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static final QueryParams EMPTY = new QueryParams(Map.of());

    /**
     * Parses and validates a raw query string (may be null).
     *
     * @throws BadRequestException with rqlite's message for malformed encodings, durations and integers
     */
    public static QueryParams parse(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (pair.contains(";")) {
                    throw new BadRequestException("invalid semicolon separator in query");
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.putIfAbsent(key, value);
            }
        }
        QueryParams params = new QueryParams(values);
        params.validate();
        return params;
    }

    /** rqlite's checks, in rqlite's order (which decides the message when several fail). */
    private void validate() {
        if (values.containsKey("freshness_strict") && !values.containsKey("freshness")) {
            throw new BadRequestException("freshness_strict requires freshness");
        }
        for (String name : new String[] {"timeout", "freshness", "db_timeout", "linearizable_timeout"}) {
            if (values.containsKey(name) && GoDuration.parse(values.get(name)).isEmpty()) {
                throw new BadRequestException(name + " is not a valid duration");
            }
        }
        for (String name : new String[] {"retries", "trailing_logs"}) {
            if (values.containsKey(name) && parseInteger(values.get(name)).isEmpty()) {
                throw new BadRequestException(name + " is not a valid integer");
            }
        }
        if (values.containsKey("q") && values.get("q").isEmpty()) {
            throw new BadRequestException("query parameter not set");
        }
    }

    /** True if the key appears at all, whatever its value. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The first value of the key, or null if absent. */
    public String get(String key) {
        return values.get(key);
    }

    /** A validated duration parameter, or {@code fallback} if absent. */
    public Duration duration(String key, Duration fallback) {
        String v = values.get(key);
        return v == null ? fallback : GoDuration.parse(v).orElse(fallback);
    }

    /** A validated integer parameter, or empty if absent. */
    /** How long work on the leader may take: {@code timeout}, or 30 s if absent or not positive. */
    public Duration leaderTimeout() {
        Duration d = duration("timeout", Duration.ofSeconds(30));
        return d.isZero() || d.isNegative() ? Duration.ofSeconds(30) : d;
    }

    /** Retries for calls to other nodes: {@code retries}, clamped to 0..100. */
    public int retries() {
        return (int) Math.max(0, Math.min(100, integer("retries").orElse(0L)));
    }

    public Optional<Long> integer(String key) {
        String v = values.get(key);
        return v == null ? Optional.empty() : parseInteger(v);
    }

    /** Go's {@code strconv.Atoi} on 64 bits: optional sign, ASCII digits only, within a long. */
    private static Optional<Long> parseInteger(String s) {
        if (!ASCII_INTEGER.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String decode(String s) {
        if (plainAscii(s)) {
            return s; // most keys and flags: nothing to decode, and no copy
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != '+' && c != '%') {
                out.write(c);
            } else if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new BadRequestException("invalid URL escape \"" + s.substring(i) + "\"");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadRequestException("invalid URL escape \"" + s.substring(i, i + 3) + "\"");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == '+' || c == '%') {
                return false;
            }
        }
        return true;
    }
}
