package org.ratmemcache.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redis's glob patterns, as its stringmatchlen matches them. */
class GlobTest {

    @ParameterizedTest
    @CsvSource({
        "*, anything, true",
        "h?llo, hello, true",
        "h?llo, hllo, false",
        "h*llo, heeeello, true",
        "h[ae]llo, hallo, true",
        "h[ae]llo, hillo, false",
        "h[^e]llo, hallo, true",
        "h[^e]llo, hello, false",
        "h[a-b]llo, hbllo, true",
        "h[b-a]llo, hbllo, true",
        "h\\*llo, h*llo, true",
        "h\\*llo, hello, false",
        "a*, a, true",
        "*a*b*, xxaxxbxx, true",
        "[abc, b, true",
        "foo\\, foo\\, true",
    })
    void redisPatterns(String pattern, String text, boolean matches) {
        assertThat(Glob.matches(pattern, text, false)).isEqualTo(matches);
    }

    @Test
    void caseOnlyWhenAsked() {
        assertThat(Glob.matches("MAX*", "maxmemory", true)).isTrue();
        assertThat(Glob.matches("MAX*", "maxmemory", false)).isFalse();
    }

    @Test
    void manyStarsGiveUpInsteadOfBacktrackingForever() {
        assertThat(Glob.matches("a*".repeat(20) + "b", "a".repeat(40), false)).isFalse();
        assertThat(Glob.matches("*?".repeat(50_000), "a".repeat(50_000), false)).as("past Redis's nesting limit").isFalse();
    }
}
