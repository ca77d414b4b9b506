package io.raftlite.http;

import io.raftlite.db.Parameter;
import io.raftlite.db.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the statements of a data request body: a JSON array whose elements are SQL strings or
 * {@code [sql, params...]} arrays (named parameters as objects), or, for {@code text/plain}, the whole
 * body as one statement string. Thread-safe.
 */
public final class StatementParser {
    private static final Pattern BLOB_LITERAL = Pattern.compile("^[xX]'((?:[0-9a-fA-F]{2})*)'$");
    private final ObjectMapper mapper = JsonMapper.builder().build();

    /**
     * Parses a JSON body.
     *
     * @throws BadRequestException {@code invalid JSON body}, {@code invalid request}, {@code no statements}
     *     or {@code unsupported type ...}, as rqlite answers
     */
    public List<Statement> parseJson(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : mapper.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequestException("invalid JSON body");
        }
        if (root == null || root.isMissingNode()) {
            throw new BadRequestException("invalid JSON body");
        }
        if (!root.isArray()) {
            throw new BadRequestException("invalid request");
        }
        if (root.isEmpty()) {
            throw new BadRequestException("no statements");
        }
        List<Statement> out = new ArrayList<>(root.size());
        for (JsonNode element : root) {
            if (element.isString()) {
                out.add(Statement.of(element.asString()));
            } else if (element.isArray()) {
                if (element.isEmpty() || !element.get(0).isString()) {
                    throw new BadRequestException("invalid request");
                }
                List<Parameter> params = new ArrayList<>();
                for (int i = 1; i < element.size(); i++) {
                    JsonNode p = element.get(i);
                    if (p.isObject()) {
                        for (Map.Entry<String, JsonNode> named : p.properties()) {
                            params.add(new Parameter(named.getKey(), value(named.getValue())));
                        }
                    } else {
                        params.add(Parameter.positional(value(p)));
                    }
                }
                out.add(new Statement(element.get(0).asString(), params, false));
            } else {
                throw new BadRequestException("invalid request");
            }
        }
        return out;
    }

    /**
     * Parses a JSON object body (e.g. {@code {"id": "n1"}}) into plain values.
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
                out.put(e.getKey(), v.isString() ? v.asString() : v.isNull() ? null : v.toString());
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

    private static Object value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? 1L : 0L;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isString()) {
            String s = v.asString();
            var m = BLOB_LITERAL.matcher(s.strip());
            if (m.matches()) {
                return HexFormat.of().parseHex(m.group(1));
            }
            return s;
        }
        if (v.isArray()) {
            byte[] bytes = new byte[v.size()];
            for (int i = 0; i < v.size(); i++) {
                JsonNode b = v.get(i);
                if (!b.isIntegralNumber() || !b.canConvertToInt() || b.intValue() < 0 || b.intValue() > 255) {
                    throw new BadRequestException("unsupported type: array must contain only bytes (integers 0 to 255)");
                }
                bytes[i] = (byte) b.intValue();
            }
            return bytes;
        }
        throw new BadRequestException("unsupported type: " + v.getNodeType().name().toLowerCase());
    }
}
