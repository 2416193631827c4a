package org.ratmemcache.health;

import java.net.URL;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/** The health endpoints, on the management interface, of a node that serves. */
@QuarkusTest
class HealthTest {

    @TestHTTPResource(value = "/health", management = true) // under the management root, /q
    URL health;

    @Test
    void liveWhileTheEventLoopsAnswer() {
        given().get(health + "/live").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'memcached-event-loops' }.status", is("UP"))
                .body("checks.find { it.name == 'memcached-event-loops' }.data.unresponsive", is(0));
    }

    @Test
    void readyOnceThePortIsBoundAndTheDiskTierOpen() {
        given().get(health + "/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'memcached' }.data.listening", is(true))
                .body("checks.find { it.name == 'memcached' }.data.l2", is("open"));
    }

    @Test
    void startedOnceTheListenerIsUp() {
        given().get(health + "/started").then().statusCode(200)
                .body("checks.name", hasItem("memcached-started"));
    }

    @Test
    void theDiskTierReportsItselfAsWellness() {
        given().get(health + "/well").then().statusCode(200)
                .body("checks.find { it.name == 'l2' }.status", is("UP"))
                .body("checks.find { it.name == 'l2' }.data.enabled", is(true));
        given().get(health.toString()).then().statusCode(200).body("checks.name", hasItem("l2"));
    }
}
