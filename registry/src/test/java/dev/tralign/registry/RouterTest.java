package dev.tralign.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {

    private static Route route(String method, String path, String query) {
        Router.Match match = Router.match(method, path, query);
        assertThat(match).as(method + " " + path).isInstanceOf(Router.Found.class);
        return ((Router.Found) match).route();
    }

    @Test
    void routesTheConfluentEndpoints() {
        assertThat(route("POST", "/subjects/a-value/versions", null).endpoint()).isEqualTo(Endpoint.REGISTER);
        assertThat(route("GET", "/subjects/a-value/versions", null).endpoint()).isEqualTo(Endpoint.SUBJECT_VERSIONS);
        assertThat(route("POST", "/subjects/a-value", null).endpoint()).isEqualTo(Endpoint.LOOKUP);
        assertThat(route("DELETE", "/subjects/a-value", null).endpoint()).isEqualTo(Endpoint.DELETE_SUBJECT);
        assertThat(route("GET", "/subjects/a-value/versions/latest/schema", null).endpoint())
                .isEqualTo(Endpoint.GET_VERSION_SCHEMA);
        assertThat(route("GET", "/schemas/ids/7/versions", null).id()).isEqualTo("7");
        assertThat(route("PUT", "/config", null).endpoint()).isEqualTo(Endpoint.PUT_GLOBAL_CONFIG);
        assertThat(route("DELETE", "/config/s", null).endpoint()).isEqualTo(Endpoint.DELETE_SUBJECT_CONFIG);
        Route compat = route("POST", "/compatibility/subjects/s/versions/latest", "verbose=true");
        assertThat(compat.endpoint()).isEqualTo(Endpoint.COMPATIBILITY);
        assertThat(compat.version()).isEqualTo("latest");
        assertThat(compat.flag("verbose")).isTrue();
        assertThat(route("GET", "/mode", null).endpoint()).isEqualTo(Endpoint.MODE);
        assertThat(route("GET", "/", null).endpoint()).isEqualTo(Endpoint.ROOT);
    }

    @Test
    void decodesSubjectsAndKeepsPlusLiteral() {
        Route r = route("GET", "/subjects/my%2Ftopic+x-value/versions/2", "normalize=false&x");
        assertThat(r.subject()).isEqualTo("my/topic+x-value");
        assertThat(r.version()).isEqualTo("2");
        assertThat(r.query()).containsEntry("normalize", "false").containsKey("x");
        assertThat(route("GET", "/subjects/", null).endpoint()).isEqualTo(Endpoint.SUBJECTS);
    }

    @Test
    void unknownPathsAndWrongMethodsAreDistinguished() {
        assertThat(Router.match("GET", "/nope", null)).isInstanceOf(Router.NotFound.class);
        assertThat(Router.match("GET", "/subjects/a/versions/1/extra/more", null)).isInstanceOf(Router.NotFound.class);
        assertThat(Router.match("GET", "/schemas/ids/1/other", null)).isInstanceOf(Router.NotFound.class);
        assertThat(Router.match("PATCH", "/subjects/a/versions", null)).isInstanceOf(Router.MethodNotAllowed.class);
        assertThat(Router.match("DELETE", "/schemas/ids/1", null)).isInstanceOf(Router.MethodNotAllowed.class);
    }
}
