package io.raftlite.db;

/**
 * A value bound to a statement.
 *
 * @param name the name without prefix for a named parameter ({@code "name"} binds {@code :name},
 *     {@code @name} and {@code $name}); null for a positional one
 * @param value {@code Long}, {@code Double}, {@code String}, {@code byte[]} or null; booleans are
 *     given as {@code Long} 1 or 0
 */
public record Parameter(String name, Object value) {
    public static Parameter positional(Object value) {
        return new Parameter(null, value);
    }

    public boolean isNamed() {
        return name != null;
    }
}
