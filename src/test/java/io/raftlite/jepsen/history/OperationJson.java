package io.raftlite.jepsen.history;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Lines encoding of one {@link Operation}: one object per line, e.g.
 * <pre>{"index":7,"process":2,"type":"ok","function":"read","key":"r1","value":3,"time":1200345,"node":"n2"}</pre>
 * {@code key}, {@code node} and {@code error} are omitted when {@code null}; {@code value} is JSON
 * {@code null} for {@link Value#NIL}. Unknown fields are ignored so the format can grow.
 */
final class OperationJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OperationJson() {
    }

    static String toLine(Operation op) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", op.index());
        o.put("process", op.process());
        o.put("type", op.type().wireName());
        o.put("function", op.function());
        if (op.key() != null) {
            o.put("key", op.key());
        }
        o.set("value", op.value().toJson());
        o.put("time", op.time());
        if (op.node() != null) {
            o.put("node", op.node());
        }
        if (op.error() != null) {
            o.put("error", op.error());
        }
        return JSON.writeValueAsString(o);
    }

    /** @throws IllegalArgumentException if the line is not a well-formed operation */
    static Operation fromLine(String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        long index = requiredLong(o, "index");
        long process = requiredLong(o, "process");
        if (process < 0 || process > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("process out of range: " + process);
        }
        return new Operation(index, (int) process, Operation.Type.fromWireName(requiredString(o, "type")),
                requiredString(o, "function"), optionalString(o, "key"), Value.fromJson(o.get("value")),
                requiredLong(o, "time"), optionalString(o, "node"), optionalString(o, "error"));
    }

    private static long requiredLong(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-integer field '" + field + "'");
        }
        return n.longValue();
    }

    private static String requiredString(JsonNode o, String field) {
        String s = optionalString(o, field);
        if (s == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return s;
    }

    private static String optionalString(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw new IllegalArgumentException("field '" + field + "' is not a string");
        }
        return n.stringValue();
    }
}
