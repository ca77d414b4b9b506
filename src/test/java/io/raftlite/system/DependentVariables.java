package io.raftlite.system;

import java.util.Map;

/**
 * Kubernetes' expansion of {@code $(VAR)} references in a container's {@code command}, {@code args}
 * and {@code env[].value}: {@code $(NAME)} becomes the variable's value if it is defined and stays
 * as written if not; {@code $$} is an escaped {@code $} (so {@code $$(NAME)} yields the literal
 * {@code $(NAME)}); a {@code $} before anything else, or an unterminated {@code $(}, is kept.
 * Written from the rules in the Kubernetes API reference ("Dependent environment variables"),
 * not from shell semantics: {@code ${NAME}} and {@code $NAME} are not references.
 */
final class DependentVariables {
    private DependentVariables() {
    }

    static String expand(String input, Map<String, String> variables) {
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    out.append("$(");
                    i += 2;
                } else {
                    String name = input.substring(i + 2, close);
                    String value = variables.get(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    i = close + 1;
                }
            } else {
                out.append('$').append(next);
                i += 2;
            }
        }
        return out.toString();
    }
}
