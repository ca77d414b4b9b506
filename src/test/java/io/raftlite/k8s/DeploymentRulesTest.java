package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that {@link DeploymentRules} bite: each case breaks one thing in the files of {@code k8s/} (a
 * deployment the rules accept, checked first) the way a chart or manifest change could break it, and
 * expects the rule about that thing to fail. A rule that cannot fail would pass anything.
 */
class DeploymentRulesTest {

    private static final DeploymentRules.Target TARGET = new DeploymentRules.Target("data", false, "cluster.local");

    private static final String ADVERTISED_RAFT = "\"$(POD_NAME).raftlite-headless.$(POD_NAMESPACE).svc.cluster.local:4002\"";

    static Stream<Arguments> breakages() {
        return Stream.of(
                Arguments.of("headless Service hides pods that are not ready", "service-headless.yaml",
                        "publishNotReadyAddresses: true", "publishNotReadyAddresses: false", "publishes not-ready pods"),
                Arguments.of("serviceName is not headless", "service-headless.yaml",
                        "  clusterIP: None\n", "", "is headless"),
                Arguments.of("serviceName names the client Service", "statefulset.yaml",
                        "serviceName: raftlite-headless", "serviceName: raftlite", "is headless"),
                Arguments.of("readiness on another path", "statefulset.yaml",
                        "path: /readyz", "path: /actuator/health/readiness", "readinessProbe path"),
                Arguments.of("liveness depends on a leader", "statefulset.yaml",
                        "          livenessProbe:\n            httpGet:\n              path: /actuator/health/liveness",
                        "          livenessProbe:\n            httpGet:\n              path: /readyz", "livenessProbe path"),
                Arguments.of("probe on a port that is not HTTP", "statefulset.yaml",
                        "              path: /readyz\n              port: http", "              path: /readyz\n              port: raft",
                        "readinessProbe port"),
                Arguments.of("Service targetPort names no container port", "service.yaml",
                        "targetPort: http", "targetPort: htp", "targetPort"),
                Arguments.of("container port renamed", "statefulset.yaml",
                        "- name: raft\n              containerPort", "- name: rft\n              containerPort", "raft"),
                Arguments.of("client Service selects other pods", "service.yaml",
                        "  selector:\n    app.kubernetes.io/name: raftlite", "  selector:\n    app.kubernetes.io/name: rqlite",
                        "pods selected by Service raftlite"),
                Arguments.of("advertises the pod IP", "statefulset.yaml",
                        ADVERTISED_RAFT, "\"$(POD_IP):4002\"", "advertised Raft address"),
                Arguments.of("advertises a hard-coded namespace", "statefulset.yaml",
                        ADVERTISED_RAFT, "\"$(POD_NAME).raftlite-headless.default.svc.cluster.local:4002\"", "advertised Raft address"),
                Arguments.of("misspelt variable (Kubernetes leaves it unexpanded)", "statefulset.yaml",
                        "- -node-id\n            - $(POD_NAME)", "- -node-id\n            - $(POD_NAM)", "$(VAR)"),
                Arguments.of("discovery through another name", "statefulset.yaml",
                        "\"{\\\"name\\\":\\\"raftlite-headless.", "\"{\\\"name\\\":\\\"raftlite.", "discovery name"),
                Arguments.of("a flag raftlite does not know", "statefulset.yaml",
                        "            - /data\n", "            - -raft-snapshot\n            - /data\n", "raftlite refuses"),
                Arguments.of("bootstrap-expect different from the replicas", "configmap.yaml",
                        "bootstrap-expect: \"3\"", "bootstrap-expect: \"2\"", "-bootstrap-expect"),
                Arguments.of("bootstrap-expect written into the pod template", "statefulset.yaml",
                        "- $(RAFTLITE_BOOTSTRAP_EXPECT)", "- \"3\"", "not a literal"),
                Arguments.of("PDB allows losing quorum", "pdb.yaml",
                        "maxUnavailable: 1", "maxUnavailable: 2", "keeps a majority"),
                Arguments.of("PDB as a percentage", "pdb.yaml",
                        "maxUnavailable: 1", "maxUnavailable: \"50%\"", "not a percentage"),
                Arguments.of("pods start one by one", "statefulset.yaml",
                        "podManagementPolicy: Parallel", "podManagementPolicy: OrderedReady", "start together"),
                Arguments.of("writable root filesystem", "statefulset.yaml",
                        "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"),
                Arguments.of("may run as root", "statefulset.yaml",
                        "            runAsNonRoot: true\n", "            runAsNonRoot: false\n", "runAsNonRoot"),
                Arguments.of("no writable /tmp", "statefulset.yaml",
                        "            - name: tmp\n              mountPath: /tmp\n", "", "/tmp"),
                Arguments.of("scrape annotation on the wrong port", "statefulset.yaml",
                        "prometheus.io/port: \"4001\"", "prometheus.io/port: \"4002\"", "prometheus.io/port"),
                Arguments.of("Raft port open to anyone", "networkpolicy.yaml",
                        "    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: raftlite\n"
                                + "              app.kubernetes.io/instance: raftlite\n      ports:\n        - port: raft",
                        "    - ports:\n        - port: raft", "names who may connect"),
                Arguments.of("Raft port open to other namespaces", "networkpolicy.yaml",
                        "    - from:\n        - podSelector:", "    - from:\n        - namespaceSelector: {}\n          podSelector:",
                        "other namespaces"),
                Arguments.of("policy covers every pod of the namespace", "networkpolicy.yaml",
                        "spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: raftlite\n      app.kubernetes.io/instance: raftlite\n",
                        "spec:\n  podSelector: {}\n", "NetworkPolicy"),
                Arguments.of("a namespace in a base", "service.yaml",
                        "  name: raftlite\n", "  name: raftlite\n  namespace: default\n", "must not name a namespace"));
    }

    @Test
    void theUnbrokenBasePasses() {
        DeploymentRules.check(Manifests.parse(new ArrayList<>(files().values())), TARGET);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void aBrokenDeploymentFailsTheRuleAboutIt(String what, String file, String original, String replacement, String mentioned) {
        Map<String, String> files = files();
        String text = files.get(file);
        assertThat(text).as("%s contains the text to break", file).contains(original);
        files.put(file, text.replace(original, replacement));
        assertThatThrownBy(() -> DeploymentRules.check(Manifests.parse(new ArrayList<>(files.values())), TARGET))
                .as(what)
                .hasMessageContaining(mentioned);
    }

    /** The files of k8s/ by name, in the kustomization's order. */
    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> resources = KustomizeBase.kustomization().resources();
        resources.forEach(r -> files.put(r, KustomizeBase.read(KustomizeBase.DIR.resolve(r))));
        return files;
    }
}
