package org.ratmemcache.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.core.StoreMode.APPEND;
import static org.ratmemcache.core.StoreMode.CAS;
import static org.ratmemcache.core.StoreMode.REPLACE;
import static org.ratmemcache.core.StoreResult.EXISTS;
import static org.ratmemcache.core.StoreResult.NOT_FOUND;
import static org.ratmemcache.core.StoreResult.STORED;

/** CAS uniques: new on every change, checked by cas and append. */
class CasTest extends CacheTestSupport {

    @Test
    void changesOnEveryModification() {
        set("k", "1", 0);
        long afterSet = casOf("k");
        store(APPEND, "k", "2", 0, 0, 0);
        long afterAppend = casOf("k");
        cache.delta(Key.of("k"), Arithmetic.of(Arithmetic.Direction.INCR, 1)).join();
        long afterIncr = casOf("k");
        store(REPLACE, "k", "x", 0, 0, 0);
        long afterReplace = casOf("k");
        assertThat(afterSet).isPositive();
        assertThat(afterAppend).isGreaterThan(afterSet);
        assertThat(afterIncr).isGreaterThan(afterAppend);
        assertThat(afterReplace).isGreaterThan(afterIncr);
    }

    @Test
    void storesOnlyWhileTheCasStillMatches() {
        set("k", "v", 0);
        long cas = casOf("k");
        assertThat(store(CAS, "k", "first", 0, 0, cas)).isEqualTo(STORED);
        assertThat(store(CAS, "k", "second", 0, 0, cas)).isEqualTo(EXISTS);
        assertThat(get("k")).isEqualTo("first");
        assertThat(store(CAS, "missing", "v", 0, 0, cas)).isEqualTo(NOT_FOUND);
        assertThat(store(CAS, "k", "zero", 0, 0, 0)).isEqualTo(EXISTS);
        CacheStats stats = cache.view().stats();
        assertThat(new long[] {stats.casHits.sum(), stats.casBadval.sum(), stats.casMisses.sum()})
                .containsExactly(1, 2, 1);
    }

    @Test
    void appendWithACasMustMatchToo() {
        set("k", "v", 0);
        long cas = casOf("k");
        assertThat(store(APPEND, "k", "x", 0, 0, cas + 1)).isEqualTo(EXISTS);
        assertThat(store(APPEND, "k", "x", 0, 0, cas)).isEqualTo(STORED);
        assertThat(get("k")).isEqualTo("vx");
    }
}
