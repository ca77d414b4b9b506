package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Decides whether the calls on one object are linearizable with respect to a {@link Model}: the
 * Wing &amp; Gong search with Lowe's memoisation, organised as in Porcupine.
 *
 * <p>Each call is an interval [invocation time, return time]; indeterminate calls never return
 * ({@link Call#NEVER}). The call and return events, sorted by time, form a doubly linked list. The
 * search walks it from the head: a call whose model step is legal in the current state is
 * linearized, i.e. lifted out of the list with its return event, and the walk restarts at the head;
 * reaching a return event means the call it belongs to was not linearized before it returned, so the
 * last choice is undone (unlifted) and the walk continues after it. When the list is empty every call
 * has been placed. The pairs (set of linearized calls, model state) already explored are remembered,
 * because reaching the same pair again cannot lead anywhere new; this is what makes the search
 * practical. Events at the same instant are ordered calls first, i.e. treated as concurrent, so that
 * coarse clocks can only make the checker more lenient, never produce a false violation.
 *
 * <p>Why indeterminate calls need no special case: their interval never closes, so the search can
 * always place them after everything else, which is the same as "never took effect".
 *
 * <p>This class checks one object; partition a history by key first (linearizability is
 * compositional), see {@link RegisterChecker}. Instances are immutable and thread-safe.
 *
 * @param <S> the model's state type
 */
public final class LinearizabilityChecker<S> {
    private final Model<S> model;
    private final SearchBudget budget;

    public LinearizabilityChecker(Model<S> model, SearchBudget budget) {
        this.model = Objects.requireNonNull(model, "model");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** Checks {@code calls} (all on one object) within the budget, starting the clock now. */
    public LinearizabilityResult check(List<Call> calls) {
        return check(calls, System.nanoTime());
    }

    /** As {@link #check(List)}, with the time budget counted from {@code startNanos} ({@code System.nanoTime()}). */
    LinearizabilityResult check(List<Call> calls, long startNanos) {
        return new Search(List.copyOf(calls), startNanos).run();
    }

    /** An event of the linked list: the call or the return of call number {@code id}. */
    private static final class Entry {
        final int id;
        final long time;
        /** For a call event: its return event; {@code null} for a return event. */
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, long time) {
            this.id = id;
            this.time = time;
        }

        boolean isCall() {
            return match != null;
        }
    }

    /**
     * A memoised search node: the set of linearized calls and the model state.
     *
     * <p>The set is stored compactly, because the search linearizes roughly in invocation order: below
     * some point almost every call is linearized (except indeterminate calls the search deferred), above
     * it almost none is (except a few within the concurrency window). So the set is kept as a split
     * word index plus the ids of the calls <em>missing</em> below {@code split * 64} and those
     * <em>present</em> at or above it (the two are told apart by their value), with the split chosen
     * to make that list shortest (the first such word, so the form is canonical). Memory per node then
     * depends on the concurrency, not on the length of the history. The hash is precomputed (an
     * incrementally maintained Zobrist hash of the set, mixed with the state's hash).
     */
    private record Node(int split, int[] ids, Object state, int hash) {
        static Node of(long[] set, int n, Object state, int hash) {
            int words = set.length;
            int total = 0;
            for (long w : set) {
                total += Long.bitCount(w);
            }
            // cost(s) = calls missing below word s + calls present from word s on
            int bestSplit = 0;
            int bestCost = total;
            int presentBelow = 0;
            for (int s = 1; s <= words; s++) {
                presentBelow += Long.bitCount(set[s - 1]);
                int cost = Math.min(s * 64, n) - presentBelow + (total - presentBelow);
                if (cost < bestCost) {
                    bestCost = cost;
                    bestSplit = s;
                }
            }
            int[] ids = new int[bestCost];
            int k = 0;
            for (int i = 0; i < words; i++) {
                long word = i < bestSplit ? ~set[i] : set[i];
                if (i < bestSplit && i == words - 1 && n % 64 != 0) {
                    word &= (1L << (n % 64)) - 1; // bits beyond the last call are not calls
                }
                while (word != 0) {
                    ids[k++] = i * 64 + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
            }
            return new Node(bestSplit, ids, state, hash);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node other && other.hash == hash && other.split == split
                    && Arrays.equals(other.ids, ids) && other.state.equals(state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The state of one search; not reusable. */
    private final class Search {
        private final List<Call> calls;
        private final long startNanos;
        private final int n;
        private final Entry head = new Entry(-1, Long.MIN_VALUE);
        private final long[] linearized;
        private final long[] zobrist;
        private long setHash;
        private final Set<Node> explored = new HashSet<>();
        // The current partial linearization, as a stack of (lifted call event, state before it).
        private final Entry[] stackEntries;
        private final Object[] stackStates;
        private int depth;
        private int definiteDepth;
        // The deepest point reached, counted in definite calls, for the explanation of a violation.
        private int[] best = new int[0];
        private int bestDefinite;
        private Object bestState;

        Search(List<Call> calls, long startNanos) {
            this.calls = calls;
            this.startNanos = startNanos;
            this.n = calls.size();
            this.linearized = new long[(n + 63) / 64];
            this.zobrist = new long[n];
            SplittableRandom random = new SplittableRandom(0x5EEDL);
            for (int i = 0; i < n; i++) {
                zobrist[i] = random.nextLong();
            }
            this.stackEntries = new Entry[n];
            this.stackStates = new Object[n];
        }

        LinearizabilityResult run() {
            buildList();
            S state = model.initialState();
            bestState = state;
            long steps = 0;
            Entry entry = head.next;
            while (head.next != null) {
                steps++;
                if (steps > budget.maxSteps()) {
                    return unknown(steps, "search budget of " + budget.maxSteps() + " steps exhausted");
                }
                if ((steps & 1023) == 0 && budget.timeIsUp(startNanos)) {
                    return unknown(steps, "time budget of " + budget.timeout() + " exhausted");
                }
                if (entry.isCall()) {
                    Call call = calls.get(entry.id);
                    S next = model.step(state, call);
                    if (next != null && remember(entry.id, next)) {
                        push(entry, state, next);
                        state = next;
                        lift(entry);
                        entry = head.next;
                    } else {
                        entry = entry.next;
                    }
                } else {
                    // The call this return belongs to was not linearized in time: undo the last choice.
                    if (depth == 0) {
                        return invalid(steps);
                    }
                    depth--;
                    Entry undone = stackEntries[depth];
                    @SuppressWarnings("unchecked")
                    S previous = (S) stackStates[depth];
                    state = previous;
                    stackEntries[depth] = null;
                    stackStates[depth] = null;
                    toggle(undone.id);
                    if (!calls.get(undone.id).isIndeterminate()) {
                        definiteDepth--;
                    }
                    unlift(undone);
                    entry = undone.next;
                }
            }
            return new LinearizabilityResult(Validity.VALID, n, steps, List.of(), null, List.of(), null);
        }

        /** Sorts the 2n events by time (calls before returns at equal times) and links them after {@link #head}. */
        private void buildList() {
            List<Entry> events = new ArrayList<>(2 * n);
            for (int i = 0; i < n; i++) {
                Call c = calls.get(i);
                Entry call = new Entry(i, c.callTime());
                Entry ret = new Entry(i, c.returnTime());
                call.match = ret;
                events.add(call);
                events.add(ret);
            }
            events.sort(Comparator.comparingLong((Entry e) -> e.time)
                    .thenComparingInt(e -> e.isCall() ? 0 : 1)
                    .thenComparingInt(e -> e.id));
            Entry prev = head;
            for (Entry e : events) {
                prev.next = e;
                e.prev = prev;
                prev = e;
            }
        }

        /** Adds {@code id} to the linearized set; returns false (and undoes that) if the resulting node was explored. */
        private boolean remember(int id, S state) {
            toggle(id);
            int hash = Long.hashCode(setHash * 0x9E3779B97F4A7C15L) ^ state.hashCode();
            if (!explored.add(Node.of(linearized, n, state, hash))) {
                toggle(id);
                return false;
            }
            return true;
        }

        private void toggle(int id) {
            linearized[id >>> 6] ^= 1L << id;
            setHash ^= zobrist[id];
        }

        private void push(Entry entry, S stateBefore, S stateAfter) {
            stackEntries[depth] = entry;
            stackStates[depth] = stateBefore;
            depth++;
            if (!calls.get(entry.id).isIndeterminate()) {
                definiteDepth++;
                if (definiteDepth > bestDefinite) {
                    bestDefinite = definiteDepth;
                    best = new int[depth];
                    for (int i = 0; i < depth; i++) {
                        best[i] = stackEntries[i].id;
                    }
                    bestState = stateAfter;
                }
            }
        }

        /** Removes a call event and its return event from the list. */
        private void lift(Entry call) {
            call.prev.next = call.next;
            call.next.prev = call.prev;
            Entry ret = call.match;
            ret.prev.next = ret.next;
            if (ret.next != null) {
                ret.next.prev = ret.prev;
            }
        }

        /** Puts back what {@link #lift} removed; must be undone in reverse order of lifting. */
        private void unlift(Entry call) {
            Entry ret = call.match;
            ret.prev.next = ret;
            if (ret.next != null) {
                ret.next.prev = ret;
            }
            call.prev.next = call;
            call.next.prev = call;
        }

        private List<Call> bestPrefix() {
            List<Call> prefix = new ArrayList<>(best.length);
            for (int id : best) {
                prefix.add(calls.get(id));
            }
            return prefix;
        }

        private LinearizabilityResult unknown(long steps, String reason) {
            return new LinearizabilityResult(Validity.UNKNOWN, n, steps, bestPrefix(), bestState, List.of(), reason);
        }

        /**
         * The search is exhausted. Explains it from the deepest point: the definite calls that could be
         * linearized next there (invoked no later than the earliest return among the calls not yet
         * placed) are exactly those the model refused, otherwise the search would have gone deeper.
         */
        private LinearizabilityResult invalid(long steps) {
            boolean[] placed = new boolean[n];
            for (int id : best) {
                placed[id] = true;
            }
            long earliestReturn = Call.NEVER;
            for (int i = 0; i < n; i++) {
                if (!placed[i]) {
                    earliestReturn = Math.min(earliestReturn, calls.get(i).returnTime());
                }
            }
            @SuppressWarnings("unchecked")
            S state = (S) bestState;
            List<LinearizabilityResult.Blocked> blocked = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Call c = calls.get(i);
                if (!placed[i] && !c.isIndeterminate() && c.callTime() <= earliestReturn) {
                    String why = model.step(state, c) == null ? model.whyNot(state, c)
                            : "possible here, but no linearization continues from here";
                    blocked.add(new LinearizabilityResult.Blocked(c, why));
                }
            }
            return new LinearizabilityResult(Validity.INVALID, n, steps, bestPrefix(), bestState, blocked, null);
        }
    }
}
