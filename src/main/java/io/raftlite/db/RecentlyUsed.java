package io.raftlite.db;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A map that keeps at most {@code capacity} entries, dropping the least recently used one and
 * handing it to {@code onEvict} (which closes a prepared statement, say). Not thread-safe: one per
 * connection, used by whoever holds the connection.
 */
final class RecentlyUsed<K, V> {
    private final LinkedHashMap<K, V> entries;

    RecentlyUsed(int capacity, Consumer<V> onEvict) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                onEvict.accept(eldest.getValue());
                return true;
            }
        };
    }

    V get(K key) {
        return entries.get(key);
    }

    /** Adds or replaces; returns the value replaced, if any (not handed to {@code onEvict}). */
    V put(K key, V value) {
        return entries.put(key, value);
    }

    V remove(K key) {
        return entries.remove(key);
    }

    int size() {
        return entries.size();
    }

    /** Empties the map, handing every value to {@code action}. */
    void clear(Consumer<V> action) {
        entries.values().forEach(action);
        entries.clear();
    }
}
