package io.raftlite.jepsen.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The argument or result of an operation: an immutable, JSON-shaped value (null, integer, string,
 * boolean, list, map with string keys).
 *
 * <p>Why not Jackson's {@code JsonNode}: the linearizability checker memoises model states in hash
 * sets, so values must be immutable and compare by content; Jackson's nodes are mutable and
 * {@code IntNode(1)} is not equal to {@code LongNode(1)}, so a value read back from a file could
 * differ from the one the runner wrote. Here every integer is a {@code long}, and maps are sorted, so
 * equality and rendering are stable. Conversion to and from {@code JsonNode} is provided for the file
 * format and for runners that parse rqlite responses.
 *
 * <p>Deliberately absent: floating-point numbers (no workload needs them; a float in a history file
 * is rejected rather than silently rounded).
 */
public sealed interface Value permits Value.Nil, Value.Int, Value.Text, Value.Bool, Value.Seq, Value.Dict {

    /** The absent value: a register that was never written (a missing row), or "no argument". */
    Value NIL = new Nil();

    static Value nil() {
        return NIL;
    }

    static Value of(long value) {
        return new Int(value);
    }

    static Value of(String value) {
        return value == null ? NIL : new Text(value);
    }

    static Value of(boolean value) {
        return new Bool(value);
    }

    static Value list(Value... items) {
        return new Seq(List.of(items));
    }

    /** A list of values converted with {@link #from(Object)}, e.g. {@code listOf(List.of(1L, 2L))}. */
    static Value listOf(Collection<?> items) {
        List<Value> values = new ArrayList<>(items.size());
        for (Object item : items) {
            values.add(from(item));
        }
        return new Seq(values);
    }

    /** A map whose values are converted with {@link #from(Object)}; keys are rendered with {@code toString()}. */
    static Value mapOf(Map<?, ?> entries) {
        Map<String, Value> values = new TreeMap<>();
        entries.forEach((k, v) -> values.put(String.valueOf(k), from(v)));
        return new Dict(values);
    }

    /**
     * Converts plain Java data: {@code null}, {@link Value}, integral {@link Number}s (Integer, Long,
     * Short, Byte), {@link String}, {@link Boolean}, {@link Collection}s and {@link Map}s thereof.
     */
    static Value from(Object o) {
        if (o == null) {
            return NIL;
        } else if (o instanceof Value v) {
            return v;
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return new Int(((Number) o).longValue());
        } else if (o instanceof String s) {
            return new Text(s);
        } else if (o instanceof Boolean b) {
            return new Bool(b);
        } else if (o instanceof Collection<?> c) {
            return listOf(c);
        } else if (o instanceof Map<?, ?> m) {
            return mapOf(m);
        }
        throw new IllegalArgumentException("not convertible to a history value: " + o.getClass().getName() + " " + o);
    }

    /** Converts parsed JSON; rejects non-integral numbers and integers beyond {@code long}. */
    static Value fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NIL;
        } else if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new IllegalArgumentException("integer out of range: " + node);
            }
            return new Int(node.longValue());
        } else if (node.isNumber()) {
            throw new IllegalArgumentException("non-integral numbers are not supported in histories: " + node);
        } else if (node.isString()) {
            return new Text(node.stringValue());
        } else if (node.isBoolean()) {
            return new Bool(node.booleanValue());
        } else if (node.isArray()) {
            List<Value> items = new ArrayList<>(node.size());
            for (JsonNode item : node.values()) {
                items.add(fromJson(item));
            }
            return new Seq(items);
        } else if (node.isObject()) {
            Map<String, Value> entries = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                entries.put(e.getKey(), fromJson(e.getValue()));
            }
            return new Dict(entries);
        }
        throw new IllegalArgumentException("unsupported JSON value: " + node);
    }

    /** This value as a fresh Jackson tree. */
    JsonNode toJson();

    default boolean isNil() {
        return this instanceof Nil;
    }

    /** The integer; throws if this is not an {@link Int}. */
    default long asLong() {
        if (this instanceof Int i) {
            return i.value();
        }
        throw new IllegalStateException("not an integer: " + this);
    }

    /** The string; throws if this is not a {@link Text}. */
    default String asText() {
        if (this instanceof Text t) {
            return t.value();
        }
        throw new IllegalStateException("not a string: " + this);
    }

    /** The items; throws if this is not a {@link Seq}. */
    default List<Value> asList() {
        if (this instanceof Seq s) {
            return s.items();
        }
        throw new IllegalStateException("not a list: " + this);
    }

    /** The entries, sorted by key; throws if this is not a {@link Dict}. */
    default Map<String, Value> asMap() {
        if (this instanceof Dict d) {
            return d.entries();
        }
        throw new IllegalStateException("not a map: " + this);
    }

    /** The absent value; see {@link #NIL}. */
    record Nil() implements Value {
        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.nullNode();
        }

        @Override
        public String toString() {
            return "nil";
        }
    }

    record Int(long value) implements Value {
        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.numberNode(value);
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Text(String value) implements Value {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.stringNode(value);
        }

        @Override
        public String toString() {
            return toJson().toString();
        }
    }

    record Bool(boolean value) implements Value {
        @Override
        public JsonNode toJson() {
            return JsonNodeFactory.instance.booleanNode(value);
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A list; {@code null} items are not allowed, use {@link #NIL}. */
    record Seq(List<Value> items) implements Value {
        public Seq {
            items = List.copyOf(items);
        }

        @Override
        public JsonNode toJson() {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(items.size());
            for (Value item : items) {
                array.add(item.toJson());
            }
            return array;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(items.get(i));
            }
            return sb.append(']').toString();
        }
    }

    /** A map with string keys, kept sorted so that rendering is stable; {@code null} values are not allowed. */
    record Dict(Map<String, Value> entries) implements Value {
        public Dict {
            TreeMap<String, Value> sorted = new TreeMap<>(entries);
            sorted.values().forEach(v -> Objects.requireNonNull(v, "map value"));
            entries = Collections.unmodifiableSortedMap(sorted);
        }

        @Override
        public JsonNode toJson() {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            entries.forEach((k, v) -> object.set(k, v.toJson()));
            return object;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, Value> e : entries.entrySet()) {
                sb.append(first ? "" : ",").append(JsonNodeFactory.instance.stringNode(e.getKey())).append(':')
                        .append(e.getValue());
                first = false;
            }
            return sb.append('}').toString();
        }
    }
}
