package io.raftlite.http;

import io.raftlite.db.Parameter;
import io.raftlite.db.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the statements of a data request body: a JSON array whose elements are SQL strings or
 * {@code [sql, params...]} arrays (named parameters as objects), or, for {@code text/plain}, the whole
 * body as one statement string. Thread-safe.
 *
 * <p>The JSON body is read token by token, in the same order as rqlite's streaming decoder, so that
 * malformed bodies get the same answer: the first problem met wins, and whatever follows the closing
 * bracket of the top-level array is never looked at.
 */
public final class StatementParser {
    static final String INVALID_JSON = "invalid JSON body";
    static final String INVALID_REQUEST = "invalid request";
    static final String NO_STATEMENTS = "no statements";
    static final String UNSUPPORTED_TYPE = "unsupported type";

    /** Strings and numbers are as long as the body allows; nesting as deep as Go's decoder allows. */
    private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxDocumentLength(-1)
                            .maxTokenCount(-1)
                            .maxNestingDepth(10_000)
                            .build())
                    .build())
            .build();

    /** A JSON number as written, so that it can be classified (and quoted in errors) as Go does. */
    private record RawNumber(String text) {
    }

    /**
     * Parses a JSON body.
     *
     * <p>Parameter values: a number whose text is a 64-bit integer becomes a {@code Long}, any other
     * number a {@code Double}; booleans become {@code Long} 1 or 0; a string that is an SQLite blob
     * literal ({@code x'0102'}, surrounding whitespace allowed) becomes its bytes, any other string stays
     * text; an array of integers 0..255 becomes bytes; null stays null.
     *
     * @throws BadRequestException {@code invalid JSON body}, {@code invalid request}, {@code no statements},
     *     {@code unsupported type <what>} or {@code invalid number <text>}, as rqlite answers
     */
    public List<Statement> parseJson(byte[] body) {
        try (JsonParser p = mapper.createParser(body)) {
            if (next(p) != JsonToken.START_ARRAY) {
                throw new BadRequestException(INVALID_REQUEST);
            }
            List<Statement> out = new ArrayList<>();
            for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
                if (t == JsonToken.VALUE_STRING) {
                    out.add(Statement.of(p.getString()));
                } else if (t == JsonToken.START_ARRAY) {
                    out.add(parameterized(readArray(p)));
                } else {
                    throw new BadRequestException(INVALID_REQUEST);
                }
            }
            if (out.isEmpty()) {
                throw new BadRequestException(NO_STATEMENTS);
            }
            return out;
        } catch (JacksonException e) {
            throw new BadRequestException(INVALID_JSON);
        }
    }

    private static Statement parameterized(List<Object> items) {
        if (items.isEmpty() || !(items.get(0) instanceof String sql)) {
            throw new BadRequestException(INVALID_REQUEST);
        }
        List<Parameter> params = new ArrayList<>();
        for (Object item : items.subList(1, items.size())) {
            if (item instanceof Map<?, ?> named) {
                for (Map.Entry<?, ?> e : named.entrySet()) {
                    params.add(new Parameter((String) e.getKey(), value(e.getValue())));
                }
            } else {
                params.add(Parameter.positional(value(item)));
            }
        }
        return new Statement(sql, params, false);
    }

    /** The next token; the end of the input counts as malformed JSON. */
    private static JsonToken next(JsonParser p) {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new BadRequestException(INVALID_JSON);
        }
        return t;
    }

    /**
     * Reads the value starting at the current token as String, RawNumber, Boolean, null, List or Map.
     *
     * <p>Iterative, with an explicit stack of the containers being filled: a body may nest as deep as
     * the parser's limit (Go's 10,000), far deeper than a request thread's stack would allow recursion.
     */
    private static Object readValue(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
            return scalar(p, t);
        }
        Object root = container(t);
        Deque<Object> open = new ArrayDeque<>();
        open.push(root);
        while (!open.isEmpty()) {
            JsonToken n = next(p);
            if (n == JsonToken.END_ARRAY || n == JsonToken.END_OBJECT) {
                open.pop();
                continue;
            }
            Object parent = open.peek();
            String name = null;
            if (parent instanceof Map) {
                name = p.currentName(); // n is the FIELD_NAME; its value follows
                n = next(p);
            }
            boolean nested = n == JsonToken.START_ARRAY || n == JsonToken.START_OBJECT;
            Object v = nested ? container(n) : scalar(p, n);
            if (parent instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) parent;
                m.put(name, v);
            } else {
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) parent;
                l.add(v);
            }
            if (nested) {
                open.push(v);
            }
        }
        return root;
    }

    private static Object container(JsonToken start) {
        return start == JsonToken.START_ARRAY ? new ArrayList<>() : new LinkedHashMap<String, Object>();
    }

    private static Object scalar(JsonParser p, JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new RawNumber(p.getString());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new BadRequestException(INVALID_JSON);
        };
    }

    /** Reads the elements of the array whose START_ARRAY is the current token, up to its END_ARRAY. */
    @SuppressWarnings("unchecked")
    private static List<Object> readArray(JsonParser p) {
        return (List<Object>) readValue(p);
    }

    /**
     * Parses a JSON object body (e.g. {@code {"id": "n1"}}): string values as {@code String}, null as
     * null, every other value as its {@code JsonNode}.
     *
     * @throws BadRequestException with the parser's message if it is not a JSON object
     */
    public Map<String, Object> parseObject(byte[] body) {
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || !root.isObject()) {
                throw new BadRequestException("not a JSON object");
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                JsonNode v = e.getValue();
                // Strings become String; anything else stays a JSON node, so callers can tell them apart.
                out.put(e.getKey(), v.isString() ? v.asString() : v.isNull() ? null : v);
            }
            return out;
        } catch (JacksonException e) {
            throw new BadRequestException(e.getOriginalMessage());
        }
    }

    /** The whole body as one statement string (which may hold several statements). */
    public List<Statement> parseText(byte[] body) {
        return List.of(Statement.of(new String(body, StandardCharsets.UTF_8)));
    }

    /** One parameter value, converted as rqlite's {@code makeParameter} does. */
    private static Object value(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            byte[] blob = blobLiteral(s);
            return blob != null ? blob : s;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof RawNumber n) {
            return number(n.text());
        }
        if (v instanceof List<?> list) {
            byte[] bytes = new byte[list.size()];
            for (int i = 0; i < bytes.length; i++) {
                Object e = list.get(i);
                if (!(e instanceof RawNumber n)) {
                    throw new BadRequestException(UNSUPPORTED_TYPE + " " + goTypeName(e));
                }
                long b;
                try {
                    b = Long.parseLong(n.text());
                } catch (NumberFormatException ex) {
                    throw new BadRequestException(UNSUPPORTED_TYPE + " " + n.text());
                }
                if (b < 0 || b > 255) {
                    throw new BadRequestException(UNSUPPORTED_TYPE + " " + n.text());
                }
                bytes[i] = (byte) b;
            }
            return bytes;
        }
        throw new BadRequestException(UNSUPPORTED_TYPE + " " + goTypeName(v));
    }

    /** A Long if the text is a 64-bit integer, else a Double; out-of-range floats are refused like Go does. */
    private static Object number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            double d = Double.parseDouble(text);
            if (Double.isInfinite(d)) {
                throw new BadRequestException("invalid number " + text);
            }
            return d;
        }
    }

    /** What Go's {@code %T} prints for a decoded JSON value, which rqlite puts in its error text. */
    private static String goTypeName(Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List) {
            return "[]interface {}";
        }
        if (v instanceof Map) {
            return "map[string]interface {}";
        }
        return "json.Number";
    }

    /**
     * The bytes of an SQLite blob literal ({@code x'...'} or {@code X'...'} around an even number of hex
     * digits, after trimming the whitespace Go trims), or null if the text is not one.
     */
    static byte[] blobLiteral(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isGoSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isGoSpace(s.charAt(to - 1))) {
            to--;
        }
        int n = to - from;
        if (n < 3 || (s.charAt(from) != 'x' && s.charAt(from) != 'X') || s.charAt(from + 1) != '\'' || s.charAt(to - 1) != '\'') {
            return null;
        }
        int hexFrom = from + 2;
        int hexLen = to - 1 - hexFrom;
        if (hexLen < 0 || hexLen % 2 != 0) {
            return null;
        }
        byte[] out = new byte[hexLen / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = hexDigit(s.charAt(hexFrom + 2 * i));
            int lo = hexDigit(s.charAt(hexFrom + 2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Go's {@code unicode.IsSpace}. */
    private static boolean isGoSpace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0' -> true;
            default -> c > 0xff && Character.isSpaceChar(c);
        };
    }
}
