package org.ratmemcache.core.disk;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;

/**
 * One change for the disk: a new version of the key ({@code item}), or its delete ({@code item}
 * null), and what it replaces there.
 */
public record DiskWrite(Key key, Item item, Prior prior) {

    public static DiskWrite put(Item item, Prior prior) {
        return new DiskWrite(item.key(), item, prior);
    }

    public static DiskWrite delete(Key key, Prior prior) {
        return new DiskWrite(key, null, prior);
    }
}
