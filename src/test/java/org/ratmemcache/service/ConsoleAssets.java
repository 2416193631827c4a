package org.ratmemcache.service;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The console's pages as a running application serves them, with every script, style and icon they load. */
final class ConsoleAssets {

    private static final Pattern LOADED = Pattern.compile("(?:src|href)=\"([^\"]+)\"");
    private static final List<String> PAGES = List.of("/console/", "/console/keys", "/console/settings");

    private ConsoleAssets() {
    }

    /**
     * Asserts that each page and everything it loads answers 200 from {@code origin} (empty for
     * RestAssured's configured one), and that nothing is loaded from another host.
     */
    static void assertServed(String origin) {
        for (String page : PAGES) {
            String html = given().get(origin + page).then().statusCode(200).contentType("text/html").extract().asString();
            Matcher loaded = LOADED.matcher(html);
            int found = 0;
            while (loaded.find()) {
                String path = loaded.group(1);
                assertThat(path).as("what %s loads comes from the application itself", page).startsWith("/");
                byte[] body = given().get(origin + path).then().statusCode(200).extract().asByteArray();
                assertThat(body).as(path).isNotEmpty();
                found++;
            }
            assertThat(found).as("the scripts, styles, icon and links of %s", page).isGreaterThanOrEqualTo(8);
        }
    }
}
