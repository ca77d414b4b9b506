package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.raftlite.k8s.StrictManifestParser.ManifestException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves that {@link StrictManifestParser} rejects what the API server would reject or misread, each time
 * starting from a document it accepts and changing one thing, so the failure can only come from that change.
 */
class StrictManifestParserTest {

    private static final String STATEFUL_SET = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
              labels:
                app: db
              annotations:
                prometheus.io/port: "4001"
            spec:
              serviceName: db-headless
              replicas: 3
              selector:
                matchLabels:
                  app: db
              template:
                metadata:
                  labels:
                    app: db
                spec:
                  containers:
                    - name: raftlite
                      image: raftlite:1
                      env:
                        - name: GREETING
                          value: "1"
                      ports:
                        - name: http
                          containerPort: 4001
                      readinessProbe:
                        httpGet:
                          path: /readyz
                          port: http
                      resources:
                        requests:
                          cpu: 1
                          memory: 512Mi
                      securityContext:
                        readOnlyRootFilesystem: true
                      volumeMounts:
                        - name: tmp
                          mountPath: /tmp
                  volumes:
                    - name: tmp
                      emptyDir: {}
            """;

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: db-headless
            spec:
              clusterIP: None
              publishNotReadyAddresses: true
              selector:
                app: db
              ports:
                - name: http
                  port: 4001
                  targetPort: http
            """;

    private static final String SERVICE_MONITOR = """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata:
              name: db
            spec:
              selector:
                matchLabels:
                  app: db
              endpoints:
                - port: http
                  path: /actuator/prometheus
                  interval: 15s
            """;

    private static final String PROMETHEUS_RULE = """
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata:
              name: db
            spec:
              groups:
                - name: raftlite
                  rules:
                    - alert: RaftliteNoLeader
                      expr: max(raftlite_raft_leader) == 0
                      for: 1m
                      labels:
                        severity: critical
            """;

    @Test
    void acceptsWellFormedDocumentsAsTheirRegisteredTypes() {
        List<StrictManifestParser.Document> docs =
                StrictManifestParser.parseAll(STATEFUL_SET + "---\n" + SERVICE + "---\n" + SERVICE_MONITOR + "---\n" + PROMETHEUS_RULE);
        assertThat(docs).extracting(StrictManifestParser.Document::object)
                .hasExactlyElementsOfTypes(StatefulSet.class, Service.class, ServiceMonitor.class, PrometheusRule.class);
        StatefulSet sts = (StatefulSet) docs.get(0).object();
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests().get("cpu").toString())
                .as("a quantity may be an unquoted number").isEqualTo("1");
    }

    @Test
    void anEmptyValueIsNullAsForKubernetes() {
        String empty = SERVICE.replace("metadata:\n  name: db-headless\n", "metadata:\n  name: db-headless\n  annotations:\n");
        assertThat(empty).isNotEqualTo(SERVICE);
        Service service = (Service) StrictManifestParser.parseAll(empty).get(0).object();
        assertThat(service.getMetadata().getAnnotations()).isNullOrEmpty();
        String quotedEmpty = STATEFUL_SET.replace("value: \"1\"", "value: \"\"");
        StatefulSet sts = (StatefulSet) StrictManifestParser.parseAll(quotedEmpty).get(0).object();
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().get(0).getValue())
                .as("a quoted empty string stays a string").isEqualTo("");
    }

    @Test
    void emptyDocumentsAreSkipped() {
        assertThat(StrictManifestParser.parseAll("---\n# only a comment\n---\n" + SERVICE + "---\n")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            misspelt container field   | readinessProbe:                | readinesProbe:               | readinesProbe
            misspelt spec field        | serviceName: db-headless       | servicename: db-headless     | servicename
            misspelt nested field      | readOnlyRootFilesystem: true   | readOnlyRootFileSystem: true | readOnlyRootFileSystem
            quoted integer             | replicas: 3                    | replicas: "3"                | replicas
            float for an integer       | replicas: 3                    | replicas: 3.0                | replicas
            quoted boolean             | readOnlyRootFilesystem: true   | readOnlyRootFilesystem: "true" | readOnlyRootFilesystem
            number for a string        | prometheus.io/port: "4001"     | prometheus.io/port: 4001     | prometheus.io/port
            number for a label value   | labels:\\n    app: db          | labels:\\n    app: 1         | app
            number for an env value    | value: "1"                     | value: 1                     | value
            YAML 1.1 boolean for a string | value: "1"                  | value: yes                   | value
            map for an int-or-string   | port: http                     | port: {name: http}           | port
            unknown kind               | kind: StatefulSet              | kind: StatefullSet           | StatefullSet
            removed apiVersion         | apiVersion: apps/v1            | apiVersion: apps/v2          | apps/v2
            catch-all property name    | serviceName: db-headless       | additionalProperties: {a: b} | additionalProperties
            """)
    void rejectsWhatTheApiServerWouldRejectOrMisread(String what, String valid, String broken, String mentioned) {
        String original = valid.replace("\\n", "\n");
        String replacement = broken.replace("\\n", "\n");
        assertThat(STATEFUL_SET).contains(original);
        String document = STATEFUL_SET.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(replacement));
        assertThatThrownBy(() -> StrictManifestParser.parseAll(document))
                .as(what)
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining(mentioned);
    }

    @Test
    void rejectsDuplicateKeys() {
        String duplicate = STATEFUL_SET.replace("  replicas: 3\n", "  replicas: 3\n  replicas: 5\n");
        assertThat(duplicate).isNotEqualTo(STATEFUL_SET);
        assertThatThrownBy(() -> StrictManifestParser.parseAll(duplicate))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("replicas");
        String duplicateLabel = SERVICE.replace("    app: db\n", "    app: db\n    app: other\n");
        assertThatThrownBy(() -> StrictManifestParser.parseAll(duplicateLabel))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("app");
    }

    @Test
    void rejectsQuotedIntegerPortAndQuotedBooleanInAService() {
        assertThatThrownBy(() -> StrictManifestParser.parseAll(SERVICE.replace("port: 4001", "port: \"4001\"")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> StrictManifestParser.parseAll(SERVICE.replace("publishNotReadyAddresses: true", "publishNotReadyAddresses: \"true\"")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("publishNotReadyAddresses");
    }

    @Test
    void monitoringResourcesAreStrictToo() {
        assertThatThrownBy(() -> StrictManifestParser.parseAll(SERVICE_MONITOR.replace("path:", "pth:")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("pth");
        assertThatThrownBy(() -> StrictManifestParser.parseAll(SERVICE_MONITOR.replace("matchLabels:", "matchLabel:")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("matchLabel");
        assertThatThrownBy(() -> StrictManifestParser.parseAll(PROMETHEUS_RULE.replace("for: 1m", "fore: 1m")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("fore");
        assertThatThrownBy(() -> StrictManifestParser.parseAll(PROMETHEUS_RULE.replace("severity: critical", "severity: 2")))
                .isInstanceOf(ManifestException.class).hasMessageContaining("severity");
    }

    @Test
    void documentsWithoutKindFail() {
        assertThatThrownBy(() -> StrictManifestParser.parseAll("metadata:\n  name: x\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("apiVersion or kind");
        HasMetadata parsed = StrictManifestParser.toTyped(StrictManifestParser.readTree(SERVICE));
        assertThat(parsed.getMetadata().getName()).isEqualTo("db-headless");
    }
}
