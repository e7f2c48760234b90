package io.basalt.api.http;

import io.basalt.api.ApiException;

import java.util.List;
import java.util.Map;

/** A decoded request: path parameters, query parameters, body and caller. */
public record ApiRequest(String method, String path, Map<String, String> params, Map<String, List<String>> query,
                         byte[] body, Role role) {
    public String param(String name) {
        return params.get(name);
    }

    /** The query parameter's single value, or null. */
    public String query(String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw ApiException.invalid("query parameter '" + name + "' given more than once");
        }
        return v.get(0);
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** An integer query parameter within [min, max], or the default when absent. */
    public long queryLong(String name, long fallback, long min, long max) {
        String v = query(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw ApiException.invalid("query parameter '" + name + "' must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("query parameter '" + name + "' must be an integer, not '" + v + "'");
        }
    }
}
