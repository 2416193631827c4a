package org.ratmemcache.admin;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

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
        for (String path : new String[] {"/admin/stats", "/admin/keys", "/admin/config", "/admin/keys/a"}) {
            given().get(path).then().statusCode(401);
        }
        given().auth().preemptive().basic("admin", "test-admin-password").get("/admin/stats").then().statusCode(200);
        given().auth().preemptive().basic("admin", "test-admin-password").get("/admin/keys/a").then().statusCode(404);
    }
}
