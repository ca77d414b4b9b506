/**
 * System tests of the Kubernetes distribution without a cluster: the StatefulSet that
 * {@code helm/raftlite} renders, simulated on one machine. Three JVMs run the packaged jar with
 * exactly the arguments and environment the rendered pod template gives each pod; the pods'
 * DNS names resolve through per-pod hosts files to 127.0.0.1/.2/.3; Debian's {@code haproxy}
 * plays the client Service (round robin over ready pods, checked on the readiness probe's
 * path and period); Debian's {@code prometheus} scrapes the pods as their
 * {@code prometheus.io/*} annotations ask and loads the chart's alert rules; {@code promtool}
 * checks the generated configuration and runs the chart's alert-rule unit tests.
 *
 * <p>Run with {@code ./mvnw -Psystem verify} (failsafe, {@code *IT.java}); the normal build
 * excludes this package. Without {@code haproxy}, {@code prometheus} or {@code promtool} the
 * tests fail when {@code CI=true} and are skipped otherwise.
 *
 * <p>What it deliberately does not simulate: scheduling, the kubelet's probes acting on the
 * process (liveness restarts), security contexts (the JVMs run as the build user), resource
 * limits other than the memory limit the JVM sizes its heap from, and the container image (the
 * image's entry point is {@code java -jar} of the same jar; the image itself is checked by the
 * image tests). Every deviation from what Kubernetes would do is named where it is made.
 */
package io.raftlite.system;
