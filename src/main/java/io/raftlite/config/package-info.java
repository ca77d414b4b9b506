/**
 * Typed configuration ({@link io.raftlite.config.RaftliteProperties}, bound from {@code raftlite.*}
 * properties with defaults that start a working single node) and the translation of rqlited-style
 * command-line flags into those properties, so existing rqlited scripts start raftlite unchanged.
 *
 * <p>Deliberately no behaviour: components read their settings from here but the package builds
 * nothing beyond the node's wiring.
 */
package io.raftlite.config;
