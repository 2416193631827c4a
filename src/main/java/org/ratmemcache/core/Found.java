package org.ratmemcache.core;

/**
 * What the engine found of a key's newest version without reading the disk: its live
 * {@link Item} (in memory, or a change still on its way to the disk), {@link Absent} (the key has
 * no live item), or {@link OnDisk} (memory does not know the key; the disk tier may hold it). The
 * item is itself the first case, so a lookup that finds one allocates nothing.
 */
public sealed interface Found permits Item, Found.Absent, Found.OnDisk {

    Absent ABSENT = new Absent();
    OnDisk ON_DISK = new OnDisk();

    /** No live item. */
    record Absent() implements Found {
    }

    /** Memory does not know the key: only the disk tier can tell. */
    record OnDisk() implements Found {
    }

    /** The live item this answers with, or {@code null} for none. */
    static Item itemOf(Found found) {
        return found instanceof Item item ? item : null;
    }
}
