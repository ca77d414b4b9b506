/**
 * Build-time checks of the Kubernetes distribution, without a cluster: the Helm chart
 * ({@code helm/raftlite}), the kustomize base ({@code k8s/}) and the container image definitions
 * ({@code Dockerfile}, Jib in {@code pom.xml}).
 *
 * <p>The chart is linted ({@code helm lint --strict}) and rendered with several value sets by the Helm
 * embedded in helm-java. Every document is parsed by {@link io.raftlite.k8s.StrictManifestParser} into
 * fabric8's typed object for its apiVersion/kind, failing where the API server would reject or silently
 * misread it (unknown fields, coerced scalars, duplicate keys, unknown kinds). {@link
 * io.raftlite.k8s.DeploymentRules} then checks what must fit together across objects, on both the chart's
 * renderings and {@code k8s/}: selectors against pod labels, named ports, probe paths, the headless
 * Service, the PodDisruptionBudget's arithmetic, NetworkPolicy and ServiceMonitor reach, and the command
 * line every pod gets (expanded as the kubelet expands it, translated by raftlite's own flag parser).
 * {@code DeploymentRulesTest} proves each rule can fail.
 *
 * <p>Deliberately not here: starting nodes or anything else (the simulated StatefulSet with real JVMs,
 * haproxy and Prometheus lives in {@code io.raftlite.system}), the API server's own validation (required
 * fields, enum values), and building the image.
 */
package io.raftlite.k8s;
