package dev.tralign.registry;

import java.util.Map;

/**
 * A request matched to an endpoint, with the decoded path parameters ({@code subject}, {@code version}, {@code id})
 * and query parameters.
 */
record Route(Endpoint endpoint, Map<String, String> pathParams, Map<String, String> query) {

    String subject() {
        return pathParams.get("subject");
    }

    String version() {
        return pathParams.get("version");
    }

    String id() {
        return pathParams.get("id");
    }

    boolean flag(String name) {
        return "true".equalsIgnoreCase(query.getOrDefault(name, "false"));
    }
}
