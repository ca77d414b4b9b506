/**
 * The process: {@code main}, and what must be settled before Spring builds the node. That is the
 * JVM-wide defaults SOFAJRaft's classes read when they load, the directory the native libraries are
 * loaded from ({@code NativeLibraryCache}), and whether this start may use the bean definitions
 * written at build time ({@code AheadOfTimeMode}).
 *
 * <p>It deliberately holds no node logic and no configuration of its own: the node is wired in
 * {@code config}, and every setting a user gives is bound there.
 */
package io.raftlite;
