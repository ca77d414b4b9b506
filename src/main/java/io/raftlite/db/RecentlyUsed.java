package io.raftlite.db;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A map that drops its least recently used entries, handing each to {@code onEvict} (which closes a
 * prepared statement, say), once it holds more than {@code capacity} of them or, when it counts its
 * keys against a shared {@link StatementMemory}, once that memory is exceeded. Not thread-safe: one
 * per connection, used by whoever holds the connection (the shared memory is thread-safe).
 *
 * <p>With a shared memory, a map drops only its own entries, and never the one just added: it may
 * stay above the limit by that one entry while other maps hold the rest.
 */
final class RecentlyUsed<K, V> {
    private final LinkedHashMap<K, V> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final int capacity;
    private final BiConsumer<K, V> onEvict;
    private final StatementMemory memory;
    private final ToLongFunction<K> bytes;

    /** Keeps at most {@code capacity} entries. */
    RecentlyUsed(int capacity, Consumer<V> onEvict) {
        this(capacity, null, key -> 0, (key, value) -> onEvict.accept(value));
    }

    /**
     * Keeps at most {@code capacity} entries, and gives up entries while {@code memory}, where each
     * entry counts for {@code bytes} of its key, is exceeded.
     */
    RecentlyUsed(int capacity, StatementMemory memory, ToLongFunction<K> bytes, BiConsumer<K, V> onEvict) {
        this.capacity = capacity;
        this.memory = memory;
        this.bytes = bytes;
        this.onEvict = onEvict;
    }

    V get(K key) {
        return entries.get(key);
    }

    /** Adds or replaces; returns the value replaced, if any (not handed to {@code onEvict}). */
    V put(K key, V value) {
        V previous = entries.put(key, value);
        if (previous == null && memory != null) {
            memory.take(bytes.applyAsLong(key));
        }
        Iterator<Map.Entry<K, V>> eldest = null;
        while (entries.size() > capacity || (memory != null && entries.size() > 1 && memory.exceeded())) {
            if (eldest == null) {
                eldest = entries.entrySet().iterator();
            }
            Map.Entry<K, V> e = eldest.next();
            eldest.remove();
            forget(e.getKey());
            onEvict.accept(e.getKey(), e.getValue());
        }
        return previous;
    }

    V remove(K key) {
        V value = entries.remove(key);
        if (value != null) {
            forget(key);
        }
        return value;
    }

    int size() {
        return entries.size();
    }

    /** Empties the map, handing every entry to {@code action}. */
    void clear(BiConsumer<K, V> action) {
        entries.forEach((key, value) -> {
            forget(key);
            action.accept(key, value);
        });
        entries.clear();
    }

    private void forget(K key) {
        if (memory != null) {
            memory.give(bytes.applyAsLong(key));
        }
    }
}
