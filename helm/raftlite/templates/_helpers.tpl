{{/* Chart name. */}}
{{- define "raftlite.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; also the StatefulSet and pod name prefix. */}}
{{- define "raftlite.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service that gives every pod its stable DNS name. */}}
{{- define "raftlite.headlessName" -}}
{{- printf "%s-headless" (include "raftlite.fullname" .) | trunc 63 | trimSuffix "-" }}
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
