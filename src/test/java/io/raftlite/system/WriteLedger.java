package io.raftlite.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every write the clients attempted, by its unique key: acknowledged (HTTP 200 without an error)
 * or uncertain (failed, timed out or refused: it may or may not have been applied). The database
 * must hold every acknowledged key exactly once, an uncertain key at most once, and nothing else.
 */
final class WriteLedger {
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> uncertain = ConcurrentHashMap.newKeySet();

    void acknowledge(String key) {
        uncertain.remove(key);
        acknowledged.add(key);
    }

    void uncertain(String key) {
        if (!acknowledged.contains(key)) {
            uncertain.add(key);
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** What is wrong with a node's rows (key -> number of rows with that key); empty if nothing. */
    List<String> problems(Map<String, Integer> rows) {
        List<String> problems = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        for (String key : acknowledged) {
            if (!rows.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " acknowledged writes missing, e.g. " + first(missing));
        }
        Set<String> duplicated = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        rows.forEach((key, count) -> {
            if (count != 1) {
                duplicated.add(key + " x" + count);
            }
            if (!acknowledged.contains(key) && !uncertain.contains(key)) {
                unknown.add(key);
            }
        });
        if (!duplicated.isEmpty()) {
            problems.add(duplicated.size() + " writes applied more than once, e.g. " + first(duplicated));
        }
        if (!unknown.isEmpty()) {
            problems.add(unknown.size() + " rows no client wrote, e.g. " + first(unknown));
        }
        return problems;
    }

    private static List<String> first(Set<String> s) {
        return s.stream().limit(10).toList();
    }
}
