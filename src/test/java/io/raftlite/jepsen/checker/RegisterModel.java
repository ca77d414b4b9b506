package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.Value;
import java.util.List;

/**
 * A single register as the register workload uses a table row: initially {@link Value#NIL} (no row);
 * {@code read} returns the value; {@code write} sets it; {@code cas [expected, new]} sets it to
 * {@code new} iff it holds {@code expected} (an {@code UPDATE ... WHERE} that matched the row).
 *
 * <p>Outcomes: an OK read must return the current value and an OK cas must match it; a FAIL did not
 * happen (the runner records a cas that matched no row as FAIL); an indeterminate cas takes effect iff
 * it matches at the point where the search places it, and an indeterminate write always takes effect
 * there (placing it last models "never").
 */
public final class RegisterModel implements Model<Value> {

    @Override
    public Value initialState() {
        return Value.NIL;
    }

    @Override
    public Value step(Value state, Call call) {
        if (call.isFail()) {
            return state;
        }
        switch (call.function()) {
            case Functions.READ:
                return call.isIndeterminate() || call.result().equals(state) ? state : null;
            case Functions.WRITE:
                return call.argument();
            case Functions.CAS: {
                List<Value> args = casArguments(call);
                if (state.equals(args.get(0))) {
                    return args.get(1);
                }
                return call.isIndeterminate() ? state : null;
            }
            default:
                throw new IllegalArgumentException("not a register operation: " + call);
        }
    }

    @Override
    public String whyNot(Value state, Call call) {
        switch (call.function()) {
            case Functions.READ:
                return "read " + call.result() + ", but the register holds " + state;
            case Functions.CAS:
                return "cas succeeded expecting " + casArguments(call).get(0) + ", but the register holds " + state;
            default:
                return call.function() + " is always possible";
        }
    }

    /** The {@code [expected, new]} argument of a cas, validated. */
    static List<Value> casArguments(Call call) {
        Value arg = call.argument();
        if (!(arg instanceof Value.Seq seq) || seq.items().size() != 2) {
            throw new IllegalArgumentException("cas argument must be [expected, new]: " + call);
        }
        return seq.items();
    }
}
