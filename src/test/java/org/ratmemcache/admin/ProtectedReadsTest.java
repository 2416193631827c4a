package org.ratmemcache.admin;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** With ratmemcache.admin.protect-reads, the read endpoints need the admin too. */
@QuarkusTest
@TestProfile(ProtectedReadsTest.ProtectReads.class)
class ProtectedReadsTest {

    public static class ProtectReads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ratmemcache.admin.protect-reads", "true");
        }
    }

    @Test
    void readsNeedTheAdmin() {
        for (String path : new String[] {"/admin/stats", "/admin/stats/history", "/admin/keys", "/admin/config", "/admin/keys/a",
                "/console/fragments/keys", "/console/fragments/key?key=a", "/console/fragments/settings"}) {
            given().get(path).then().statusCode(401);
        }
        given().auth().preemptive().basic("admin", "test-admin-password").get("/admin/stats").then().statusCode(200);
        given().auth().preemptive().basic("admin", "test-admin-password").get("/admin/keys/a").then().statusCode(404);
        given().auth().preemptive().basic("admin", "test-admin-password").get("/console/fragments/settings").then().statusCode(200);
    }

    @Test
    void theConsolesPagesHoldNoFiguresAndSaySignInIsNeeded() {
        given().get("/console/").then().statusCode(200)
                .body(containsString("Reads are protected"))
                .body(not(containsString("ratmemcache.l1")));
    }
}
