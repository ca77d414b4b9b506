{{/* Chart name. */}}
{{- define "raftlite.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name; also the StatefulSet and pod name prefix. At most 52 characters: a
StatefulSet's name plus "-" and a 10-character hash must fit the 63 of a label value
(controller-revision-hash), and every derived name below stays within 63.
*/}}
{{- define "raftlite.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service that gives every pod its stable DNS name. */}}
{{- define "raftlite.headlessName" -}}
{{- printf "%s-headless" (include "raftlite.fullname" .) }}
{{- end }}

{{/* <headless>.<namespace>.svc.<clusterDomain>: its A records are all pods, ready or not. */}}
{{- define "raftlite.headlessFqdn" -}}
{{- printf "%s.%s.svc.%s" (include "raftlite.headlessName" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{- define "raftlite.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select this release's voting pods. */}}
{{- define "raftlite.selectorLabels" -}}
app.kubernetes.io/name: {{ include "raftlite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: voter
{{- end }}

{{- define "raftlite.labels" -}}
helm.sh/chart: {{ include "raftlite.chart" . }}
{{ include "raftlite.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "raftlite.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Labels shared by every pod of the release, voters and read replicas: the client Service's selector. */}}
{{- define "raftlite.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "raftlite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels that select this release's read-replica pods. */}}
{{- define "raftlite.replicaSelectorLabels" -}}
{{ include "raftlite.releaseSelectorLabels" . }}
app.kubernetes.io/component: replica
{{- end }}

{{/* Common labels without the component, for objects that serve the whole release. */}}
{{- define "raftlite.commonLabels" -}}
helm.sh/chart: {{ include "raftlite.chart" . }}
{{ include "raftlite.releaseSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "raftlite.replicaLabels" -}}
helm.sh/chart: {{ include "raftlite.chart" . }}
{{ include "raftlite.replicaSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The ConfigMap that holds -bootstrap-expect, read by the pods at start. */}}
{{- define "raftlite.configName" -}}
{{- printf "%s-config" (include "raftlite.fullname" .) }}
{{- end }}

{{- define "raftlite.replicaName" -}}
{{- printf "%s-replica" (include "raftlite.fullname" . | trunc 44 | trimSuffix "-") }}
{{- end }}

{{- define "raftlite.replicaHeadlessName" -}}
{{- printf "%s-headless" (include "raftlite.replicaName" .) }}
{{- end }}

{{- define "raftlite.replicaHeadlessFqdn" -}}
{{- printf "%s.%s.svc.%s" (include "raftlite.replicaHeadlessName" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{/*
The pod template shared by the voters' and the read replicas' StatefulSets.
Call with (dict "root" $ "role" "voter") or (dict "root" $ "role" "replica").
*/}}
{{- define "raftlite.podTemplate" -}}
{{- $root := .root }}
{{- $voter := eq .role "voter" }}
{{- $values := $root.Values }}
{{- $selector := ternary (include "raftlite.selectorLabels" $root) (include "raftlite.replicaSelectorLabels" $root) $voter }}
{{- $labels := ternary (include "raftlite.labels" $root) (include "raftlite.replicaLabels" $root) $voter }}
{{- $fqdn := ternary (include "raftlite.headlessFqdn" $root) (include "raftlite.replicaHeadlessFqdn" $root) $voter }}
{{- $resources := $values.resources }}
{{- if and (not $voter) $values.readReplicas.resources }}
{{- $resources = $values.readReplicas.resources }}
{{- end }}
metadata:
  labels:
    {{- $labels | nindent 4 }}
    {{- with $values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if or $values.metrics.scrapeAnnotations $values.podAnnotations }}
  annotations:
    {{- if $values.metrics.scrapeAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $values.ports.http | quote }}
    prometheus.io/path: {{ $values.metrics.path | quote }}
    {{- end }}
    {{- with $values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
spec:
  terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
  {{- with $values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $values.podSecurityContext | nindent 4 }}
  {{- if $values.affinity }}
  affinity:
    {{- toYaml $values.affinity | nindent 4 }}
  {{- else if eq $values.podAntiAffinity "soft" }}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- $selector | nindent 16 }}
  {{- else if eq $values.podAntiAffinity "hard" }}
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- $selector | nindent 14 }}
  {{- end }}
  {{- with $values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: raftlite
      image: {{ include "raftlite.image" $root | quote }}
      imagePullPolicy: {{ $values.image.pullPolicy }}
      env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        {{- if $voter }}
        # Read when the node starts, so changing replicaCount updates the ConfigMap without
        # changing (and rolling) the pod template.
        - name: RAFTLITE_BOOTSTRAP_EXPECT
          valueFrom:
            configMapKeyRef:
              name: {{ include "raftlite.configName" $root }}
              key: bootstrap-expect
        {{- end }}
        - name: JAVA_TOOL_OPTIONS
          value: {{ $values.jvmOptions | quote }}
        {{- with $values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      # Every node advertises its stable DNS name, never its IP: a pod that comes back with a new
      # IP keeps its place in the cluster. It listens on {{ $values.listenAddress }}.
      args:
        - -node-id
        - $(POD_NAME)
        - -http-addr
        - {{ printf "%s:%d" $values.listenAddress (int $values.ports.http) | quote }}
        - -http-adv-addr
        - {{ printf "$(POD_NAME).%s:%d" $fqdn (int $values.ports.http) | quote }}
        - -raft-addr
        - {{ printf "%s:%d" $values.listenAddress (int $values.ports.raft) | quote }}
        - -raft-adv-addr
        - {{ printf "$(POD_NAME).%s:%d" $fqdn (int $values.ports.raft) | quote }}
        {{- if $voter }}
        - -bootstrap-expect
        - $(RAFTLITE_BOOTSTRAP_EXPECT)
        {{- else }}
        # A non-voter that leaves the cluster when it shuts down: safe to scale in and out.
        - -raft-non-voter
        - -raft-cluster-remove-shutdown
        {{- end }}
        - -disco-mode
        - dns
        - -disco-config
        - {{ dict "name" (include "raftlite.headlessFqdn" $root) | toJson | quote }}
        {{- range $values.extraArgs }}
        - {{ . | quote }}
        {{- end }}
        - /data
      ports:
        - name: http
          containerPort: {{ $values.ports.http }}
          protocol: TCP
        - name: raft
          containerPort: {{ $values.ports.raft }}
          protocol: TCP
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        {{- toYaml $values.startupProbe | nindent 8 }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        {{- toYaml $values.readinessProbe | nindent 8 }}
      livenessProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        {{- toYaml $values.livenessProbe | nindent 8 }}
      resources:
        {{- toYaml $resources | nindent 8 }}
      securityContext:
        {{- toYaml $values.securityContext | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
  volumes:
    # Writable scratch space under the read-only root filesystem (native libraries unpack here).
    - name: tmp
      emptyDir: {}
    {{- if or (not $voter) (not $values.persistence.enabled) }}
    - name: data
      emptyDir: {}
    {{- end }}
{{- end }}
