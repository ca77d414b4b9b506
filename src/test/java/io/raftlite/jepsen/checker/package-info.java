/**
 * Checkers for the histories of the fault-injection (Jepsen-style) suite, written in the project so
 * that their verdicts can be tested like any other code: a Wing-Gong/Lowe linearizability search in
 * Porcupine's style ({@link io.raftlite.jepsen.checker.LinearizabilityChecker}) with a register model,
 * applied per key ({@link io.raftlite.jepsen.checker.RegisterChecker}); an append-only set checker
 * ({@link io.raftlite.jepsen.checker.SetChecker}); a bank-transfer invariant checker
 * ({@link io.raftlite.jepsen.checker.BankChecker}). Each returns a {@link io.raftlite.jepsen.checker.Report}
 * with a three-way {@link io.raftlite.jepsen.checker.Validity}; "unknown" is never "valid".
 *
 * <p>Deliberately not here: running workloads, talking to raftlite, injecting faults, and any notion of
 * consistency weaker than linearizability (histories recorded at weaker read levels need a different
 * model, not a lenient checker).
 */
package io.raftlite.jepsen.checker;
