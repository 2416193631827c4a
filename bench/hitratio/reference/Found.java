package hitratio.reference;

/**
 * What the engine's lookup found of a key's newest version: its live {@link Entry}, {@link Absent}
 * (the key has no live item), or {@link OnDisk} (memory does not know the key; the disk tier may
 * hold it). The entry is itself the first case, so a lookup that finds one allocates nothing.
 */
public sealed interface Found permits Entry, Found.Absent, Found.OnDisk {

    Absent ABSENT = new Absent();
    OnDisk ON_DISK = new OnDisk();

    /** No live item. */
    record Absent() implements Found {
    }

    /** Memory does not know the key: only the disk tier can tell. */
    record OnDisk() implements Found {
    }

    /** The live entry this answers with, or {@code null} for none. */
    static Entry entryOf(Found found) {
        return found instanceof Entry entry ? entry : null;
    }
}
