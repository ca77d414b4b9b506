package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What must hold together for a raftlite cluster on Kubernetes, checked on typed objects. Used for every
 * value set of the Helm chart and for the kustomize base, so both are held to the same rules.
 *
 * <p>The rules are about the consequences, not the spelling: selectors are evaluated against pod labels,
 * named ports are resolved against container ports, and the peer addresses are checked on the command
 * line each pod actually gets ({@link PodCommandLine}), computed from the StatefulSet's own naming
 * ({@code <statefulset>-<ordinal>.<serviceName>.<namespace>.svc.<domain>}). What this deliberately does
 * not do: judge values that are a matter of taste (resources, probe periods), or run anything.
 */
final class DeploymentRules {

    /** Where the objects are applied. */
    record Target(String namespace, boolean objectsCarryNamespace, String clusterDomain) {
    }

    /** What the rules found, for further assertions by the caller. */
    record Deployment(StatefulSet voters, List<StatefulSet> readReplicas, Service votersHeadless,
                      Map<String, List<PodCommandLine>> commandLines) {
        List<StatefulSet> statefulSets() {
            List<StatefulSet> all = new ArrayList<>();
            all.add(voters);
            all.addAll(readReplicas);
            return all;
        }
    }

    /** API versions a current Kubernetes (1.29 and later) serves for the kinds a raftlite deployment uses. */
    static final Set<String> SERVED_API_VERSIONS = Set.of(
            "v1", "apps/v1", "policy/v1", "networking.k8s.io/v1", "autoscaling/v2", "monitoring.coreos.com/v1");

    static final String CONTAINER = "raftlite";
    static final String READINESS_PATH = "/readyz";
    static final String LIVENESS_PATH = "/actuator/health/liveness";
    static final String METRICS_PATH = "/actuator/prometheus";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
    private static final Pattern PROMETHEUS_DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

    private DeploymentRules() {
    }

    /** Checks every rule; returns what it found. */
    static Deployment check(Manifests manifests, Target target) {
        checkObjects(manifests, target);
        List<StatefulSet> statefulSets = manifests.all(StatefulSet.class);
        List<StatefulSet> voters = statefulSets.stream().filter(s -> !isReadReplica(s)).toList();
        assertThat(voters).as("exactly one StatefulSet of voters among %s", manifests.names()).hasSize(1);
        StatefulSet voterSet = voters.get(0);
        List<StatefulSet> replicas = statefulSets.stream().filter(DeploymentRules::isReadReplica).toList();
        Service votersHeadless = manifests.named(Service.class, voterSet.getSpec().getServiceName());
        String discoveryName = fqdn(votersHeadless.getMetadata().getName(), target);

        Map<String, List<PodCommandLine>> commandLines = new LinkedHashMap<>();
        for (StatefulSet sts : statefulSets) {
            commandLines.put(sts.getMetadata().getName(),
                    checkStatefulSet(manifests, target, sts, statefulSets, voterSet, discoveryName));
        }
        Deployment deployment = new Deployment(voterSet, replicas, votersHeadless, commandLines);
        checkServices(manifests, deployment);
        checkDisruptionBudget(manifests, deployment);
        checkNetworkPolicies(manifests, deployment);
        checkServiceMonitors(manifests, deployment, target);
        checkPrometheusRules(manifests);
        checkAutoscalers(manifests, deployment);
        checkBarePods(manifests, deployment);
        return deployment;
    }

    static boolean isReadReplica(StatefulSet sts) {
        return container(sts.getSpec().getTemplate().getSpec()).getArgs().contains("-raft-non-voter");
    }

    // --- objects in general

    private static void checkObjects(Manifests manifests, Target target) {
        for (HasMetadata object : manifests.objects()) {
            String what = object.getKind() + " " + object.getMetadata().getName();
            assertThat(object.getApiVersion()).as("apiVersion of %s", what).isIn(SERVED_API_VERSIONS);
            assertThat(object.getMetadata().getName()).as("name of %s", what).matches(DNS_SUBDOMAIN);
            if (target.objectsCarryNamespace()) {
                assertThat(object.getMetadata().getNamespace()).as("namespace of %s", what).isEqualTo(target.namespace());
            } else {
                assertThat(object.getMetadata().getNamespace()).as("%s must not name a namespace", what).isNull();
            }
            orEmpty(object.getMetadata().getLabels()).forEach((k, v) ->
                    assertThat(v).as("label %s of %s", k, what).matches(LABEL_VALUE));
            if (object instanceof Service) {
                assertThat(object.getMetadata().getName()).as("Service names are DNS labels: %s", what).matches(DNS_LABEL);
            }
            if (object instanceof StatefulSet) {
                // The controller-revision-hash label is "<name>-<10 chars>" and a label value has at most 63.
                assertThat(object.getMetadata().getName()).as("StatefulSet name %s", what).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(52);
            }
        }
    }

    // --- StatefulSets and their pods

    private static List<PodCommandLine> checkStatefulSet(Manifests manifests, Target target, StatefulSet sts,
                                                         List<StatefulSet> all, StatefulSet voters, String discoveryName) {
        String name = sts.getMetadata().getName();
        boolean readReplica = sts != voters;
        Map<String, String> podLabels = podLabels(sts);
        assertSelectorIsNotEmpty(sts.getSpec().getSelector(), "selector of StatefulSet " + name);
        assertThat(selects(sts.getSpec().getSelector(), podLabels)).as("StatefulSet %s selects its own pods", name).isTrue();
        for (StatefulSet other : all) {
            if (other != sts) {
                assertThat(selects(sts.getSpec().getSelector(), podLabels(other)))
                        .as("StatefulSet %s must not select the pods of %s", name, other.getMetadata().getName()).isFalse();
            }
        }
        if (!readReplica) {
            assertThat(sts.getSpec().getReplicas()).as("replicas of the voters").isNotNull().isPositive();
            assertThat(sts.getSpec().getPodManagementPolicy())
                    .as("voters start together: -bootstrap-expect waits for all of them").isEqualTo("Parallel");
        }

        // serviceName: a headless Service of this StatefulSet's pods only, publishing pods that are not ready.
        Service headless = manifests.named(Service.class, sts.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).as("Service %s (serviceName of %s) is headless",
                headless.getMetadata().getName(), name).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses())
                .as("%s publishes not-ready pods: peers must find each other before there is a leader",
                        headless.getMetadata().getName()).isTrue();
        assertThat(selects(headless.getSpec().getSelector(), podLabels))
                .as("headless Service %s selects the pods of %s", headless.getMetadata().getName(), name).isTrue();
        for (StatefulSet other : all) {
            if (other != sts) {
                assertThat(selects(headless.getSpec().getSelector(), podLabels(other)))
                        .as("headless Service %s must not select the pods of %s", headless.getMetadata().getName(),
                                other.getMetadata().getName()).isFalse();
            }
        }

        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container container = container(pod);
        int httpPort = containerPort(container, "http");
        int raftPort = containerPort(container, "raft");
        checkProbes(container, httpPort, name);
        checkSecurity(pod, container, name);
        String dataPath = checkVolumes(sts, pod, container, name);
        checkScrapeAnnotations(sts, httpPort);
        checkJvmOptions(container, name);

        int pods = sts.getSpec().getReplicas() == null ? 2 : sts.getSpec().getReplicas();
        String namespace = target.namespace();
        List<PodCommandLine> commandLines = new ArrayList<>();
        for (int ordinal = 0; ordinal < pods; ordinal++) {
            String podName = name + "-" + ordinal;
            String podIp = "10.42." + all.indexOf(sts) + "." + (ordinal + 1);
            PodCommandLine cl = PodCommandLine.of(manifests, container, podName, podIp, namespace);
            String podFqdn = podName + "." + fqdn(sts.getSpec().getServiceName(), target);
            checkPodName(podName, podFqdn);

            assertThat(cl.property("raftlite.node-id")).as("node id of %s", podName).isEqualTo(podName);
            assertThat(cl.property("server.address")).as("HTTP listen address of %s", podName).isIn(podIp, "0.0.0.0");
            assertThat(cl.property("server.port")).as("HTTP port of %s", podName).isEqualTo(String.valueOf(httpPort));
            assertThat(cl.property("raftlite.raft-addr")).as("Raft listen address of %s", podName)
                    .isIn(podIp + ":" + raftPort, "0.0.0.0:" + raftPort);
            // The stable DNS name, never the pod IP: a pod that comes back with a new IP keeps its identity.
            assertThat(cl.property("raftlite.http-adv-addr")).as("advertised HTTP address of %s", podName)
                    .isEqualTo(podFqdn + ":" + httpPort);
            assertThat(cl.property("raftlite.raft-adv-addr")).as("advertised Raft address of %s", podName)
                    .isEqualTo(podFqdn + ":" + raftPort);
            assertNotAnIp(podFqdn);
            assertThat(cl.property("raftlite.cluster.disco-mode")).as("discovery of %s", podName).isEqualTo("dns");
            JsonNode disco = StrictManifestParser.readTree(cl.property("raftlite.cluster.disco-config"));
            assertThat(disco.isObject() && disco.size() == 1 && disco.path("name").isTextual())
                    .as("-disco-config of %s is {\"name\": ...}: %s", podName, disco).isTrue();
            assertThat(disco.path("name").asText()).as("discovery name of %s: the voters' headless Service", podName)
                    .isEqualTo(discoveryName);
            assertThat(cl.property("raftlite.data-dir")).as("data directory of %s", podName).isEqualTo(dataPath);
            assertThat(cl.optionalProperty("raftlite.cluster.join")).as("%s discovers, it is not told whom to join", podName).isEmpty();
            if (readReplica) {
                assertThat(cl.property("raftlite.raft.non-voter")).isEqualTo("true");
                assertThat(cl.property("raftlite.raft.cluster-remove-shutdown"))
                        .as("%s leaves the cluster when it stops, so scaling in leaves no dead members", podName).isEqualTo("true");
                assertThat(cl.optionalProperty("raftlite.cluster.bootstrap-expect"))
                        .as("a read replica never takes part in bootstrapping").isEmpty();
            } else {
                assertThat(cl.optionalProperty("raftlite.raft.non-voter").orElse("false")).isEqualTo("false");
                assertThat(cl.property("raftlite.cluster.bootstrap-expect")).as("-bootstrap-expect of %s", podName)
                        .isEqualTo(String.valueOf(sts.getSpec().getReplicas()));
                checkBootstrapExpectIndirection(container, name);
            }
            commandLines.add(cl);
        }
        return commandLines;
    }

    /** -bootstrap-expect must come from a ConfigMap, so that scaling changes no pod template (and rolls no pod). */
    private static void checkBootstrapExpectIndirection(Container container, String name) {
        List<String> args = container.getArgs();
        int at = args.indexOf("-bootstrap-expect");
        assertThat(at).as("-bootstrap-expect in the args of %s", name).isNotNegative();
        String raw = args.get(at + 1);
        assertThat(raw).as("-bootstrap-expect of %s is a $(VAR) reference, not a literal", name).matches("\\$\\([A-Z_][A-Z0-9_]*\\)");
        String variable = raw.substring(2, raw.length() - 1);
        assertThat(container.getEnv()).as("env %s of %s", variable, name)
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo(variable);
                    assertThat(e.getValueFrom()).isNotNull();
                    assertThat(e.getValueFrom().getConfigMapKeyRef()).as("%s comes from a ConfigMap", variable).isNotNull();
                });
    }

    private static void checkPodName(String podName, String podFqdn) {
        assertThat(podName).as("pod name (hostname) %s", podName).matches(DNS_LABEL);
        assertThat(podFqdn).as("pod FQDN").hasSizeLessThanOrEqualTo(253);
        for (String label : podFqdn.split("\\.")) {
            assertThat(label).as("DNS label %s of %s", label, podFqdn).hasSizeBetween(1, 63);
        }
    }

    private static void assertNotAnIp(String host) {
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        assertThat(literal).as("%s is a name, not an IP", host).isFalse();
    }

    private static void checkProbes(Container container, int httpPort, String name) {
        assertHttpProbe(container, container.getReadinessProbe(), "readinessProbe", READINESS_PATH, httpPort, name);
        // Liveness must not depend on a leader: a cluster without quorum would otherwise be restarted in a loop.
        assertHttpProbe(container, container.getLivenessProbe(), "livenessProbe", LIVENESS_PATH, httpPort, name);
        if (container.getStartupProbe() != null) {
            assertHttpProbe(container, container.getStartupProbe(), "startupProbe", LIVENESS_PATH, httpPort, name);
        }
    }

    private static void assertHttpProbe(Container container, Probe probe, String what, String path, int httpPort, String name) {
        assertThat(probe).as("%s of %s", what, name).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("%s of %s is an HTTP GET", what, name).isNotNull();
        assertThat(get.getPath()).as("%s path of %s", what, name).isEqualTo(path);
        assertThat(get.getHost()).as("%s of %s goes to the pod IP", what, name).isNull();
        assertThat(get.getScheme() == null || "HTTP".equals(get.getScheme())).as("%s scheme", what).isTrue();
        assertThat(resolvePort(container, get.getPort())).as("%s port of %s", what, name).contains(httpPort);
    }

    private static void checkSecurity(PodSpec pod, Container container, String name) {
        PodSecurityContext podContext = pod.getSecurityContext();
        SecurityContext context = container.getSecurityContext();
        assertThat(context).as("securityContext of %s", name).isNotNull();
        Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot()
                : podContext == null ? null : podContext.getRunAsNonRoot();
        assertThat(nonRoot).as("runAsNonRoot for %s", name).isTrue();
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext == null ? null : podContext.getRunAsUser();
        assertThat(user == null || user != 0L).as("runAsUser of %s is not root", name).isTrue();
        assertThat(context.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem of %s", name).isTrue();
        assertThat(context.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation of %s", name).isFalse();
        assertThat(context.getPrivileged()).as("privileged %s", name).isNotEqualTo(Boolean.TRUE);
        assertThat(context.getCapabilities()).as("capabilities of %s", name).isNotNull();
        assertThat(context.getCapabilities().getDrop()).as("capabilities dropped by %s", name).contains("ALL");
        assertThat(context.getCapabilities().getAdd()).as("capabilities added by %s", name).isEmpty();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    }

    /** Every mount has a volume; /tmp is a writable emptyDir; returns the data directory's mount path. */
    private static String checkVolumes(StatefulSet sts, PodSpec pod, Container container, String name) {
        Map<String, Volume> volumes = new LinkedHashMap<>();
        pod.getVolumes().forEach(v -> assertThat(volumes.put(v.getName(), v)).as("volume %s twice", v.getName()).isNull());
        Set<String> claims = new HashSet<>();
        for (PersistentVolumeClaim claim : sts.getSpec().getVolumeClaimTemplates()) {
            assertThat(claims.add(claim.getMetadata().getName())).isTrue();
            assertThat(volumes).as("volume %s is both a pod volume and a claim", claim.getMetadata().getName())
                    .doesNotContainKey(claim.getMetadata().getName());
            assertThat(claim.getSpec().getResources().getRequests()).as("size of claim %s", claim.getMetadata().getName())
                    .containsKey("storage");
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            assertThat(volumes.containsKey(mount.getName()) || claims.contains(mount.getName()))
                    .as("volume %s mounted by %s exists", mount.getName(), name).isTrue();
            assertThat(mounts.put(mount.getMountPath(), mount.getName())).as("two mounts at %s", mount.getMountPath()).isNull();
        }
        assertThat(mounts).as("a writable /tmp under the read-only root filesystem of %s", name).containsKey("/tmp");
        Volume tmp = volumes.get(mounts.get("/tmp"));
        assertThat(tmp).as("/tmp of %s is a pod volume", name).isNotNull();
        assertThat(tmp.getEmptyDir()).as("/tmp of %s is an emptyDir", name).isNotNull();
        assertThat(mounts).as("data directory of %s", name).containsKey("/data");
        String data = mounts.get("/data");
        assertThat(claims.contains(data) || (volumes.get(data) != null && volumes.get(data).getEmptyDir() != null))
                .as("/data of %s is a claim or an emptyDir", name).isTrue();
        return "/data";
    }

    private static void checkScrapeAnnotations(StatefulSet sts, int httpPort) {
        Map<String, String> annotations = orEmpty(sts.getSpec().getTemplate().getMetadata().getAnnotations());
        if (annotations.containsKey("prometheus.io/scrape")) {
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(httpPort))
                    .containsEntry("prometheus.io/path", METRICS_PATH);
        }
    }

    private static void checkJvmOptions(Container container, String name) {
        assertThat(container.getEnv()).as("JAVA_TOOL_OPTIONS of %s is a plain value", name)
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
                    assertThat(e.getValueFrom()).isNull();
                    assertThat(e.getValue()).isNotBlank();
                });
    }

    // --- Services

    private static void checkServices(Manifests manifests, Deployment deployment) {
        List<StatefulSet> statefulSets = deployment.statefulSets();
        List<Service> clients = new ArrayList<>();
        for (Service service : manifests.all(Service.class)) {
            String name = service.getMetadata().getName();
            assertThat(service.getSpec().getSelector()).as("selector of Service %s", name).isNotEmpty();
            List<StatefulSet> selected = statefulSets.stream().filter(s -> selects(service.getSpec().getSelector(), podLabels(s))).toList();
            assertThat(selected).as("pods selected by Service %s", name).isNotEmpty();
            Set<String> portNames = new HashSet<>();
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(port.getName()).as("port of Service %s has a name", name).isNotBlank();
                assertThat(portNames.add(port.getName())).as("port name %s twice in %s", port.getName(), name).isTrue();
                assertThat(port.getTargetPort()).as("targetPort of %s/%s", name, port.getName()).isNotNull();
                for (StatefulSet sts : selected) {
                    Container container = container(sts.getSpec().getTemplate().getSpec());
                    assertThat(resolvePort(container, port.getTargetPort()))
                            .as("targetPort %s of Service %s is a port of the pods of %s", port.getTargetPort(), name,
                                    sts.getMetadata().getName()).isPresent();
                }
            }
            if (!"None".equals(service.getSpec().getClusterIP())) {
                clients.add(service);
            }
        }
        assertThat(clients).as("a client Service").isNotEmpty();
        for (Service client : clients) {
            String name = client.getMetadata().getName();
            for (StatefulSet sts : statefulSets) {
                assertThat(selects(client.getSpec().getSelector(), podLabels(sts)))
                        .as("client Service %s sends requests to the pods of %s", name, sts.getMetadata().getName()).isTrue();
            }
            Container voter = container(deployment.voters().getSpec().getTemplate().getSpec());
            int httpPort = containerPort(voter, "http");
            for (ServicePort port : client.getSpec().getPorts()) {
                assertThat(resolvePort(voter, port.getTargetPort()))
                        .as("client Service %s exposes only the HTTP API", name).contains(httpPort);
            }
            assertThat(client.getSpec().getPublishNotReadyAddresses()).as("client Service %s only sends to ready pods", name)
                    .isNotEqualTo(Boolean.TRUE);
        }
    }

    // --- PodDisruptionBudget

    private static void checkDisruptionBudget(Manifests manifests, Deployment deployment) {
        int voters = deployment.voters().getSpec().getReplicas();
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class).stream()
                .filter(p -> selects(p.getSpec().getSelector(), podLabels(deployment.voters()))).toList();
        assertThat(budgets).as("one PodDisruptionBudget for the voters").hasSize(1);
        PodDisruptionBudget pdb = budgets.get(0);
        assertSelectorIsNotEmpty(pdb.getSpec().getSelector(), "PDB selector");
        for (StatefulSet replica : deployment.readReplicas()) {
            assertThat(selects(pdb.getSpec().getSelector(), podLabels(replica)))
                    .as("the voters' PDB must not count read replica %s", replica.getMetadata().getName()).isFalse();
        }
        assertThat(pdb.getSpec().getMinAvailable()).as("the PDB uses maxUnavailable").isNull();
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        assertThat(maxUnavailable).isNotNull();
        assertThat(maxUnavailable.getIntVal()).as("maxUnavailable is a number of pods, not a percentage").isNotNull();
        assertThat(maxUnavailable.getIntVal()).as("maxUnavailable for %d voters keeps a majority", voters)
                .isEqualTo((voters - 1) / 2);
    }

    // --- NetworkPolicy

    private static void checkNetworkPolicies(Manifests manifests, Deployment deployment) {
        List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class);
        if (policies.isEmpty()) {
            return;
        }
        Service client = manifests.all(Service.class).stream().filter(s -> !"None".equals(s.getSpec().getClusterIP()))
                .findFirst().orElseThrow();
        Map<String, String> releaseSelector = client.getSpec().getSelector();
        for (StatefulSet sts : deployment.statefulSets()) {
            String name = sts.getMetadata().getName();
            Map<String, String> labels = podLabels(sts);
            Container container = container(sts.getSpec().getTemplate().getSpec());
            int raftPort = containerPort(container, "raft");
            int httpPort = containerPort(container, "http");
            List<NetworkPolicy> covering = policies.stream()
                    .filter(p -> selects(p.getSpec().getPodSelector(), labels))
                    .filter(p -> p.getSpec().getPolicyTypes().isEmpty() || p.getSpec().getPolicyTypes().contains("Ingress"))
                    .toList();
            assertThat(covering).as("a NetworkPolicy restricts ingress to the pods of %s", name).isNotEmpty();
            boolean raftFromPeers = false;
            boolean httpAllowed = false;
            for (NetworkPolicy policy : covering) {
                assertSelectorIsNotEmpty(policy.getSpec().getPodSelector(), "podSelector of NetworkPolicy " + policy.getMetadata().getName());
                for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                    boolean admitsRaft = admitsPort(rule, container, raftPort);
                    httpAllowed |= admitsPort(rule, container, httpPort);
                    if (!admitsRaft) {
                        continue;
                    }
                    assertThat(rule.getFrom()).as("a rule of %s that opens the Raft port of %s names who may connect",
                            policy.getMetadata().getName(), name).isNotEmpty();
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        assertThat(peer.getIpBlock()).as("Raft port of %s open to an IP block", name).isNull();
                        assertThat(peer.getNamespaceSelector()).as("Raft port of %s open to other namespaces", name).isNull();
                        assertThat(peer.getPodSelector()).as("Raft port of %s open to pods by selector", name).isNotNull();
                        assertSelectorIsNotEmpty(peer.getPodSelector(), "peer selector for the Raft port of " + name);
                        // At least as narrow as the release: every label the client Service requires is required here.
                        releaseSelector.forEach((k, v) -> assertThat(peer.getPodSelector().getMatchLabels())
                                .as("peers allowed on the Raft port of %s are pods of the release", name).containsEntry(k, v));
                        boolean allPeers = deployment.statefulSets().stream().allMatch(s -> selects(peer.getPodSelector(), podLabels(s)));
                        raftFromPeers |= allPeers;
                    }
                }
            }
            assertThat(raftFromPeers).as("every raftlite pod may reach the Raft port of %s", name).isTrue();
            assertThat(httpAllowed).as("the HTTP port of %s is reachable", name).isTrue();
        }
    }

    private static boolean admitsPort(NetworkPolicyIngressRule rule, Container container, int port) {
        if (rule.getPorts().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : rule.getPorts()) {
            if (p.getPort() == null) {
                return true;
            }
            Optional<Integer> resolved = resolvePort(container, p.getPort());
            int end = p.getEndPort() == null ? resolved.orElse(-1) : p.getEndPort();
            if (resolved.isPresent() && resolved.get() <= port && port <= end) {
                return true;
            }
        }
        return false;
    }

    // --- monitoring

    private static void checkServiceMonitors(Manifests manifests, Deployment deployment, Target target) {
        for (ServiceMonitor monitor : manifests.all(ServiceMonitor.class)) {
            String name = monitor.getMetadata().getName();
            var namespaces = monitor.getSpec().getNamespaceSelector();
            if (namespaces != null && !Boolean.TRUE.equals(namespaces.getAny()) && !namespaces.getMatchNames().isEmpty()) {
                assertThat(namespaces.getMatchNames()).as("namespaces of ServiceMonitor %s", name).contains(target.namespace());
            }
            assertSelectorIsNotEmpty(monitor.getSpec().getSelector(), "selector of ServiceMonitor " + name);
            List<Service> scraped = manifests.all(Service.class).stream()
                    .filter(s -> selects(monitor.getSpec().getSelector(), orEmpty(s.getMetadata().getLabels()))).toList();
            assertThat(scraped).as("Services selected by ServiceMonitor %s", name).isNotEmpty();
            assertThat(monitor.getSpec().getEndpoints()).as("endpoints of %s", name).isNotEmpty();
            for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
                assertThat(endpoint.getPort()).as("ServiceMonitor %s scrapes a named Service port", name).isNotBlank();
                assertThat(endpoint.getPath()).as("metrics path of %s", name).isEqualTo(METRICS_PATH);
                assertThat(endpoint.getScheme() == null || endpoint.getScheme().equalsIgnoreCase("http")).isTrue();
                for (Service service : scraped) {
                    ServicePort port = service.getSpec().getPorts().stream().filter(p -> endpoint.getPort().equals(p.getName()))
                            .findFirst().orElseThrow(() -> new AssertionError("Service " + service.getMetadata().getName()
                                    + " selected by ServiceMonitor " + name + " has no port named " + endpoint.getPort()));
                    for (StatefulSet sts : deployment.statefulSets()) {
                        if (selects(service.getSpec().getSelector(), podLabels(sts))) {
                            Container container = container(sts.getSpec().getTemplate().getSpec());
                            assertThat(resolvePort(container, port.getTargetPort())).as("scraped port of %s", sts.getMetadata().getName())
                                    .contains(containerPort(container, "http"));
                        }
                    }
                }
            }
            // Every pod scraped exactly once: no two selected Services may share pods.
            for (StatefulSet sts : deployment.statefulSets()) {
                long times = scraped.stream().filter(s -> selects(s.getSpec().getSelector(), podLabels(sts))).count();
                assertThat(times).as("ServiceMonitor %s scrapes the pods of %s through exactly one Service", name,
                        sts.getMetadata().getName()).isEqualTo(1);
            }
        }
    }

    private static void checkPrometheusRules(Manifests manifests) {
        for (PrometheusRule rules : manifests.all(PrometheusRule.class)) {
            String name = rules.getMetadata().getName();
            assertThat(rules.getSpec().getGroups()).as("rule groups of %s", name).isNotEmpty();
            Set<String> groups = new HashSet<>();
            for (RuleGroup group : rules.getSpec().getGroups()) {
                assertThat(groups.add(group.getName())).as("group %s twice in %s", group.getName(), name).isTrue();
                assertThat(group.getRules()).as("rules of group %s", group.getName()).isNotEmpty();
                for (Rule rule : group.getRules()) {
                    assertThat(rule.getAlert() == null ^ rule.getRecord() == null)
                            .as("a rule is an alert or a recording rule: %s", rule).isTrue();
                    assertThat(rule.getExpr()).isNotNull();
                    assertThat(rule.getExpr().getStrVal()).as("expr of %s", rule.getAlert()).isNotBlank();
                    if (rule.getFor() != null) {
                        assertThat(rule.getFor()).as("for of %s", rule.getAlert()).matches(PROMETHEUS_DURATION);
                    }
                    if (rule.getAlert() != null) {
                        assertThat(rule.getLabels()).as("severity of %s", rule.getAlert()).containsKey("severity");
                    }
                }
            }
        }
    }

    private static void checkAutoscalers(Manifests manifests, Deployment deployment) {
        Set<String> autoscaled = new HashSet<>();
        for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
            var ref = hpa.getSpec().getScaleTargetRef();
            assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
            assertThat(ref.getKind()).isEqualTo("StatefulSet");
            assertThat(ref.getName()).as("an autoscaler never scales the voters: that changes quorum")
                    .isNotEqualTo(deployment.voters().getMetadata().getName());
            StatefulSet target = manifests.named(StatefulSet.class, ref.getName());
            assertThat(deployment.readReplicas()).as("HPA %s scales read replicas", hpa.getMetadata().getName()).contains(target);
            assertThat(hpa.getSpec().getMinReplicas()).isNotNull().isPositive();
            assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
            assertThat(hpa.getSpec().getMetrics()).as("metrics of HPA %s", hpa.getMetadata().getName()).isNotEmpty();
            hpa.getSpec().getMetrics().stream().filter(m -> m.getResource() != null).forEach(m -> {
                String resource = m.getResource().getName();
                assertThat(container(target.getSpec().getTemplate().getSpec()).getResources().getRequests())
                        .as("utilisation of %s needs a request for it", resource).containsKey(resource);
            });
            autoscaled.add(ref.getName());
        }
        for (StatefulSet replica : deployment.readReplicas()) {
            boolean scaled = autoscaled.contains(replica.getMetadata().getName());
            assertThat(replica.getSpec().getReplicas() == null)
                    .as("%s sets replicas exactly when no HPA owns it (or every upgrade resets the HPA's choice)",
                            replica.getMetadata().getName()).isEqualTo(scaled);
        }
    }

    /** Pods outside StatefulSets (the helm test pod): nothing selects them, and they are locked down too. */
    private static void checkBarePods(Manifests manifests, Deployment deployment) {
        for (Pod pod : manifests.all(Pod.class)) {
            Map<String, String> labels = orEmpty(pod.getMetadata().getLabels());
            String name = pod.getMetadata().getName();
            for (Service service : manifests.all(Service.class)) {
                assertThat(selects(service.getSpec().getSelector(), labels)).as("Service %s selects pod %s",
                        service.getMetadata().getName(), name).isFalse();
            }
            for (PodDisruptionBudget pdb : manifests.all(PodDisruptionBudget.class)) {
                assertThat(selects(pdb.getSpec().getSelector(), labels)).as("PDB selects pod %s", name).isFalse();
            }
            for (StatefulSet sts : deployment.statefulSets()) {
                assertThat(selects(sts.getSpec().getSelector(), labels)).as("StatefulSet selects pod %s", name).isFalse();
            }
            for (Container container : pod.getSpec().getContainers()) {
                SecurityContext context = container.getSecurityContext();
                assertThat(context).as("securityContext of %s", name).isNotNull();
                assertThat(context.getAllowPrivilegeEscalation()).isFalse();
                assertThat(context.getReadOnlyRootFilesystem()).isTrue();
            }
            Boolean nonRoot = pod.getSpec().getSecurityContext() == null ? null : pod.getSpec().getSecurityContext().getRunAsNonRoot();
            assertThat(nonRoot).as("runAsNonRoot for pod %s", name).isTrue();
        }
    }

    // --- helpers

    static Container container(PodSpec pod) {
        List<Container> matching = pod.getContainers().stream().filter(c -> CONTAINER.equals(c.getName())).toList();
        assertThat(matching).as("container named %s", CONTAINER).hasSize(1);
        return matching.get(0);
    }

    static Map<String, String> podLabels(StatefulSet sts) {
        return orEmpty(sts.getSpec().getTemplate().getMetadata().getLabels());
    }

    /** fabric8 returns null for a map written as an empty value. */
    static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static int containerPort(Container container, String name) {
        List<ContainerPort> ports = container.getPorts();
        Set<String> names = new HashSet<>();
        for (ContainerPort port : ports) {
            if (port.getName() != null) {
                assertThat(port.getName()).as("port name").hasSizeLessThanOrEqualTo(15);
                assertThat(names.add(port.getName())).as("container port name %s twice", port.getName()).isTrue();
            }
            assertThat(port.getProtocol() == null || "TCP".equals(port.getProtocol())).isTrue();
        }
        return ports.stream().filter(p -> name.equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError("container port named " + name + " in " + ports));
    }

    /** A port as a Service or probe names it (number or container port name), resolved to a number. */
    static Optional<Integer> resolvePort(Container container, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return container.getPorts().stream().map(ContainerPort::getContainerPort)
                    .filter(p -> Objects.equals(p, port.getIntVal())).findFirst();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst();
    }

    /** A Service selector: every key/value present in the labels. An empty selector selects nothing here. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** A label selector with matchLabels and matchExpressions, evaluated as the API server does. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        for (Map.Entry<String, String> e : orEmpty(selector.getMatchLabels()).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement requirement : orEmpty(selector.getMatchExpressions())) {
            String value = labels.get(requirement.getKey());
            boolean ok = switch (requirement.getOperator()) {
                case "In" -> value != null && requirement.getValues().contains(value);
                case "NotIn" -> value == null || !requirement.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("operator " + requirement.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void assertSelectorIsNotEmpty(LabelSelector selector, String what) {
        assertThat(selector).as(what).isNotNull();
        assertThat(orEmpty(selector.getMatchLabels()).isEmpty() && orEmpty(selector.getMatchExpressions()).isEmpty())
                .as("%s is empty, which selects every pod of the namespace", what).isFalse();
    }

    /** {@code <service>.<namespace>.svc.<domain>}. */
    static String fqdn(String service, Target target) {
        return service + "." + target.namespace() + ".svc." + target.clusterDomain();
    }
}
