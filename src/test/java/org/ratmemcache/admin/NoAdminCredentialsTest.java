package org.ratmemcache.admin;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

/** As the packaged application starts: no admin password, so changes are refused with how to allow them. */
@QuarkusTest
@TestProfile(NoAdminCredentialsTest.NoPassword.class)
class NoAdminCredentialsTest {

    public static class NoPassword implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ratmemcache.admin.password", "");
        }
    }

    @Test
    void mutatingEndpointsAre403WithTheWayToConfigureThem() {
        given().post("/admin/flush").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("RATMEMCACHE_ADMIN_PASSWORD"));
        given().auth().preemptive().basic("admin", "guess").delete("/admin/keys/a").then().statusCode(403)
                .body("detail", containsString("no admin credentials are configured"));
        given().delete("/admin/keys/a").then().statusCode(403);
    }

    @Test
    void theConsoleSaysHowToSetAPasswordAndDisablesItsControls() {
        given().get("/console/").then().statusCode(200)
                .body(containsString("No admin password is configured"))
                .body(containsString("RATMEMCACHE_ADMIN_PASSWORD"))
                .body(matchesPattern("(?s).*<button id=\"flush-button\"[^>]* disabled>.*"));
        given().get("/console/fragments/signed-in").then().statusCode(403);
    }

    @Test
    void readsStayPublic() {
        given().get("/admin/stats").then().statusCode(200);
    }
}
