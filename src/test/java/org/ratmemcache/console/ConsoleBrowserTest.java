package org.ratmemcache.console;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console in a real browser: Debian's chromium, headless, driven through Debian's
 * chromedriver (named explicitly, so that Selenium Manager downloads nothing). Traffic goes over
 * the memcached port; what the pages show is read as a person would read it. Screenshots of
 * each page go to {@code target/console-screenshots/}.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String PASSWORD = "test-admin-password"; // %test in application.properties
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ChromeDriver browser;

    @TestHTTPResource("/console/")
    URL console;

    @Inject
    MemcachedServer server;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
        Path profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1280,1400", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theConsoleShowsTheCacheLiveFindsKeysAndFlushesOnlyForTheAdmin() throws Exception {
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("flush_all\r\n").expect("OK\r\n");
            for (int i = 0; i < 5; i++) {
                client.send("set console-" + i + " 0 0 5\r\nvalue\r\n").expect("STORED\r\n");
            }
            client.send("set console-ttl 7 300 3\r\nttl\r\n").expect("STORED\r\n");
            long storedAt = System.nanoTime();

            // the dashboard: the items held, and a hit ratio that follows the reads
            browser.get(console.toString());
            await().atMost(PATIENCE).until(() -> text("l1-items").equals("6"));
            await().atMost(PATIENCE).until(() -> {
                client.send("get console-0 console-1\r\n").expect("VALUE console-0 0 5\r\nvalue\r\nVALUE console-1 0 5\r\nvalue\r\nEND\r\n");
                return text("hit-ratio").equals("100 %");
            });
            await().atMost(PATIENCE).until(() -> {
                client.send("get console-0 missing-1 missing-2 missing-3\r\n").expect("VALUE console-0 0 5\r\nvalue\r\nEND\r\n");
                return text("hit-ratio").equals("25 %");
            });
            assertThat(text("l1-policy")).isEqualTo("eviction policy: hybrid");
            assertThat(text("latency")).endsWith("µs");
            client.send("set console-6 0 0 1\r\nx\r\n").expect("STORED\r\n");
            await().atMost(PATIENCE).until(() -> text("l1-items").equals("7"));
            assertThat(browser.findElements(By.cssSelector(".chart canvas"))).hasSize(4);
            screenshot("dashboard");

            // the key browser: a prefix finds the key, its details show its TTL
            browser.get(console + "keys");
            WebElement prefix = browser.findElement(By.id("prefix"));
            // by keyboard alone: type, Enter, then Enter on the key found
            prefix.sendKeys("console-t", Keys.ENTER);
            await().atMost(PATIENCE).until(() -> browser.findElements(By.cssSelector(".key-link")).stream()
                    .map(WebElement::getText).toList().equals(List.of("console-ttl")));
            browser.findElement(By.cssSelector(".key-link")).sendKeys(Keys.ENTER);
            await().atMost(PATIENCE).until(() -> !browser.findElements(By.id("detail-ttl")).isEmpty());
            String ttl = text("detail-ttl");
            assertThat(ttl).matches("\\d+ s left \\(until .*\\)");
            long elapsed = Duration.ofNanos(System.nanoTime() - storedAt).toSeconds();
            assertThat(Long.parseLong(ttl.substring(0, ttl.indexOf(' ')))).as("seconds left of 300, %d s after the set", elapsed)
                    .isBetween(300 - elapsed - 1, 300L);
            assertThat(text("detail-flags")).isEqualTo("7");
            assertThat(text("detail-size")).isEqualTo("3 bytes");
            screenshot("keys");
            assertThat(severeConsoleMessages()).as("console errors before any refusal").isEmpty();

            // the value needs the admin: refused before signing in, and a wrong password is refused
            browser.findElement(By.id("show-value")).click();
            await().atMost(PATIENCE).until(() -> text("status").equals("Sign in as the admin to see values."));
            signIn("wrong-password");
            await().atMost(PATIENCE).until(() -> text("status").equals("Wrong user or password: refused."));
            assertThat(browser.findElement(By.id("signed-in")).isDisplayed()).isFalse();
            signIn(PASSWORD);
            await().atMost(PATIENCE).until(() -> text("signed-in").equals("Signed in as admin"));
            browser.findElement(By.id("show-value")).click();
            await().atMost(PATIENCE).until(() -> text("value").equals("ttl"));

            // settings: secrets redacted
            browser.get(console + "settings");
            await().atMost(PATIENCE).until(() -> !browser.findElements(By.id("settings")).isEmpty());
            assertThat(text("settings")).contains("ratmemcache.admin.password <redacted>").doesNotContain(PASSWORD);
            assertThat(text("health-status")).isEqualTo("UP");
            screenshot("settings");

            // a phone's width: everything reflows, nothing scrolls sideways
            browser.manage().window().setSize(new Dimension(390, 844));
            try {
                browser.get(console.toString());
                await().atMost(PATIENCE).until(() -> text("l1-items").equals("7"));
                assertThat((Long) browser.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                        .as("pixels the page is wider than a phone's screen").isLessThanOrEqualTo(0L);
                screenshot("dashboard-phone");
            } finally {
                browser.manage().window().setSize(new Dimension(1280, 1400));
            }

            // flush, behind a confirmation that says what will be lost
            browser.get(console.toString());
            await().atMost(PATIENCE).until(() -> text("signed-in").equals("Signed in as admin"));
            browser.findElement(By.id("flush-button")).click();
            await().atMost(PATIENCE).until(() -> browser.findElement(By.id("flush-dialog")).isDisplayed());
            assertThat(text("flush-what")).startsWith("Every item of database 0 will be lost now. The cache holds 7 in memory and ");
            screenshot("flush-confirmation");
            browser.findElement(By.id("flush-confirm")).click();
            await().atMost(PATIENCE).until(() -> text("status").equals("Flushed."));
            client.send("get console-0 console-ttl\r\n").expect("END\r\n");
        }
        assertThat(severeConsoleMessages()).as("console errors other than the refusals the test asked for")
                .allMatch(message -> message.contains("status of 401"));
    }

    private void signIn(String password) {
        WebElement field = browser.findElement(By.id("password"));
        field.clear();
        field.sendKeys(password);
        browser.findElement(By.id("sign-in-button")).click();
    }

    private static String text(String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText().trim();
    }

    private static List<String> severeConsoleMessages() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    private static void screenshot(String page) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
