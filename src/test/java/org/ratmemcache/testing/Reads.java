package org.ratmemcache.testing;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;

/** Shorthands for tests that read the cache: a get that waits for the disk when it must, and the disk tier's figures. */
public final class Reads {

    private Reads() {
    }

    /** The live item under {@code key}, or {@code null}, as a get finds it. */
    public static Item item(Cache cache, Key key) {
        return Lookup.asFuture(cache.get(key)).join();
    }

    /** The disk tier's figures; the cache must have a disk tier. */
    public static CacheView.DiskFigures disk(CacheView view) {
        return view.disk().orElseThrow(() -> new AssertionError("the cache has no disk tier"));
    }

    /** Changes waiting for the disk tier. */
    public static int writeBackQueue(CacheView view) {
        return disk(view).writeBackQueue();
    }

    /** Why the disk tier fails to write, or {@code null}. */
    public static Throwable diskFailure(CacheView view) {
        return disk(view).writeFailure().orElse(null);
    }
}
