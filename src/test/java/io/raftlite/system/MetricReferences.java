package io.raftlite.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a Grafana dashboard or a Prometheus rule file refers to, so a test can check
 * that each one exists in a Prometheus that scrapes the real nodes. PromQL is not parsed: string
 * literals, label matchers, ranges, grouping clauses and Grafana variables are removed, and what
 * remains as a bare identifier (not a function, aggregation or keyword) is a metric name. Good
 * enough for the expressions of a dashboard; a name hidden in {@code {__name__="..."}} is missed.
 */
final class MetricReferences {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "Inf", "NaN", "atan2");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+|\\[\\[[^]]*]]");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$");

    private MetricReferences() {
    }

    /** Metric names in one PromQL expression. */
    static Set<String> inExpression(String promql) {
        String s = STRING.matcher(promql).replaceAll("\"\"");
        s = GRAFANA_VARIABLE.matcher(s).replaceAll("0");
        s = removeBracketed(s, '{', '}');
        s = removeBracketed(s, '[', ']');
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group();
            char before = m.start() == 0 ? ' ' : s.charAt(m.start() - 1);
            if (Character.isDigit(before) || before == '.') {
                continue; // 1e3, 5m, 0.5e-3
            }
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            if (after < s.length() && s.charAt(after) == '(') {
                continue; // function or aggregation
            }
            if (!KEYWORDS.contains(id)) {
                names.add(id);
            }
        }
        return names;
    }

    /** Metric names in a Grafana dashboard: every panel target's {@code expr} and every query variable. */
    static Set<String> inDashboard(Path dashboardJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(dashboardJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> names = new TreeSet<>();
        collectExpressions(root, names);
        for (JsonNode variable : root.at("/templating/list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            JsonNode q = variable.path("query");
            String query = q.isObject() ? q.path("query").asText() : q.asText();
            Matcher lv = LABEL_VALUES.matcher(query);
            Matcher qr = QUERY_RESULT.matcher(query);
            if (lv.matches()) {
                names.addAll(inExpression(lv.group(1)));
            } else if (qr.matches()) {
                names.addAll(inExpression(qr.group(1)));
            }
        }
        return names;
    }

    /** Metric names in a Prometheus rule file: every rule's {@code expr}. */
    static Set<String> inRuleFile(Path rules) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(rules.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                names.addAll(inExpression(rule.path("expr").asText()));
            }
        }
        return names;
    }

    private static void collectExpressions(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    names.addAll(inExpression(e.getValue().asText()));
                } else {
                    collectExpressions(e.getValue(), names);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExpressions(n, names));
        }
    }

    private static String removeBracketed(String s, char open, char close) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : s.toCharArray()) {
            if (c == open) {
                depth++;
                if (depth == 1) {
                    out.append(' ');
                }
            } else if (c == close && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
