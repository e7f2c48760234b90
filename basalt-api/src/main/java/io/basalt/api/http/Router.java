package io.basalt.api.http;

import io.basalt.api.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a method and a path to a handler. Paths are templates of literal segments and
 * {@code {param}}s, each matching one percent-decoded segment.
 */
public final class Router {
    /** A handler's view of the request. */
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    /** A registered route; {@code role} is the least role that may call it, null for anyone. */
    public record Route(String method, String template, Role role, Handler handler) {
        List<String> segments() {
            return split(template);
        }
    }

    /** A route matched to a request, with the path parameters it bound. */
    public record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String template, Role role, Handler handler) {
        routes.add(new Route(method, template, role, handler));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Finds the route; throws 404 for an unknown path and 405 for a known path with another method. */
    public Match match(String method, String path) {
        List<String> segments = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments(), segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r, params);
            }
            allowed.add(r.method());
        }
        if (!allowed.isEmpty()) {
            throw new MethodNotAllowed(allowed);
        }
        throw ApiException.notFound("no such resource: " + path);
    }

    /** 405, with the methods the path allows. */
    public static final class MethodNotAllowed extends RuntimeException {
        private final Set<String> allowed;

        MethodNotAllowed(Set<String> allowed) {
            super("method not allowed; allowed: " + String.join(", ", allowed));
            this.allowed = allowed;
        }

        public Set<String> allowed() {
            return allowed;
        }
    }

    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                params.put(t.substring(1, t.length() - 1), path.get(i));
            } else if (!t.equals(path.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(decode(s));
            }
        }
        return out;
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("malformed percent-encoding in path segment '" + segment + "'");
        }
    }
}
