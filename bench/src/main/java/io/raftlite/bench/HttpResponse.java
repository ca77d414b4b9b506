package io.raftlite.bench;

import java.nio.charset.StandardCharsets;

/** Status code and body of one answer. */
public record HttpResponse(int status, byte[] body) {

    public boolean is2xx() {
        return status >= 200 && status < 300;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** True if the body contains the ASCII bytes of {@code needle} (no decoding, no allocation). */
    public boolean bodyContains(String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= body.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (body[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** True if the body starts with the ASCII bytes of {@code prefix}. */
    public boolean bodyStartsWith(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (body.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (body[i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    /** Status and the start of the body, for error reports. */
    public String summary() {
        String text = bodyText().strip().replace('\n', ' ');
        return status + " " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }
}
