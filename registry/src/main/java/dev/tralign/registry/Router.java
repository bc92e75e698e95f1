package dev.tralign.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an HTTP method and raw path to an {@link Endpoint}. Pure, so the routing table is unit-tested without a
 * server. Unknown query parameters are kept but ignored by handlers, as Confluent's registry does.
 */
final class Router {

    /** The outcome: a route, or why there is none (404 unknown path, 405 known path with another method). */
    sealed interface Match permits Found, NotFound, MethodNotAllowed {
    }

    /** A matched route. */
    record Found(Route route) implements Match {
    }

    /** No such path. */
    record NotFound() implements Match {
    }

    /** The path exists but not for this method. */
    record MethodNotAllowed() implements Match {
    }

    private Router() {
    }

    static Match match(String method, String rawPath, String rawQuery) {
        List<String> parts = segments(rawPath);
        Map<String, String> query = query(rawQuery);
        Map<String, String> params = new HashMap<>();
        Endpoint endpoint;
        int n = parts.size();
        if (n == 0) {
            endpoint = pick(method, "GET", Endpoint.ROOT);
        } else if (parts.get(0).equals("subjects")) {
            if (n >= 2) {
                params.put("subject", parts.get(1));
            }
            if (n >= 4) {
                params.put("version", parts.get(3));
            }
            if (n == 1) {
                endpoint = pick(method, "GET", Endpoint.SUBJECTS);
            } else if (n == 2) {
                endpoint = pick(method, "POST", Endpoint.LOOKUP, "DELETE", Endpoint.DELETE_SUBJECT);
            } else if (n == 3 && parts.get(2).equals("versions")) {
                endpoint = pick(method, "GET", Endpoint.SUBJECT_VERSIONS, "POST", Endpoint.REGISTER);
            } else if (n == 4 && parts.get(2).equals("versions")) {
                endpoint = pick(method, "GET", Endpoint.GET_VERSION, "DELETE", Endpoint.DELETE_VERSION);
            } else if (n == 5 && parts.get(2).equals("versions") && parts.get(4).equals("schema")) {
                endpoint = pick(method, "GET", Endpoint.GET_VERSION_SCHEMA);
            } else {
                return new NotFound();
            }
        } else if (parts.get(0).equals("schemas")) {
            if (n == 2 && parts.get(1).equals("types")) {
                endpoint = pick(method, "GET", Endpoint.SCHEMA_TYPES);
            } else if (n >= 3 && n <= 4 && parts.get(1).equals("ids")) {
                params.put("id", parts.get(2));
                if (n == 3) {
                    endpoint = pick(method, "GET", Endpoint.SCHEMA_BY_ID);
                } else if (parts.get(3).equals("schema")) {
                    endpoint = pick(method, "GET", Endpoint.SCHEMA_TEXT_BY_ID);
                } else if (parts.get(3).equals("versions")) {
                    endpoint = pick(method, "GET", Endpoint.SCHEMA_VERSIONS_BY_ID);
                } else {
                    return new NotFound();
                }
            } else {
                return new NotFound();
            }
        } else if (parts.get(0).equals("config")) {
            if (n == 1) {
                endpoint = pick(method, "GET", Endpoint.GET_GLOBAL_CONFIG, "PUT", Endpoint.PUT_GLOBAL_CONFIG);
            } else if (n == 2) {
                params.put("subject", parts.get(1));
                endpoint = pick(method, "GET", Endpoint.GET_SUBJECT_CONFIG, "PUT", Endpoint.PUT_SUBJECT_CONFIG,
                        "DELETE", Endpoint.DELETE_SUBJECT_CONFIG);
            } else {
                return new NotFound();
            }
        } else if (parts.get(0).equals("compatibility")) {
            if (n == 5 && parts.get(1).equals("subjects") && parts.get(3).equals("versions")) {
                params.put("subject", parts.get(2));
                params.put("version", parts.get(4));
                endpoint = pick(method, "POST", Endpoint.COMPATIBILITY);
            } else if (n == 3 && parts.get(1).equals("subjects")) {
                params.put("subject", parts.get(2));
                params.put("version", "latest");
                endpoint = pick(method, "POST", Endpoint.COMPATIBILITY);
            } else {
                return new NotFound();
            }
        } else if (parts.get(0).equals("mode") && n == 1) {
            endpoint = pick(method, "GET", Endpoint.MODE);
        } else {
            return new NotFound();
        }
        return endpoint == null ? new MethodNotAllowed() : new Found(new Route(endpoint, params, query));
    }

    private static Endpoint pick(String method, Object... methodThenEndpoint) {
        for (int i = 0; i < methodThenEndpoint.length; i += 2) {
            if (methodThenEndpoint[i].equals(method)) {
                return (Endpoint) methodThenEndpoint[i + 1];
            }
        }
        return null;
    }

    private static List<String> segments(String rawPath) {
        List<String> parts = new ArrayList<>();
        if (rawPath == null) {
            return parts;
        }
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                parts.add(decode(part));
            }
        }
        return parts;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            query.putIfAbsent(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return query;
    }

    /** Percent-decoding of a path segment; a literal '+' stays a plus (it is not a space in a path). */
    static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
