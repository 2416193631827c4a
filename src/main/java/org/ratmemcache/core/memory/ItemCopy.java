package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.compress.ValueCompression;

/**
 * An item copied out of item memory onto the heap ({@link ItemView#detach}): for what must outlive
 * a view, such as the write-back queue or an answer that completes on another thread. The value
 * stays as it was stored, LZ4-compressed when {@code rawLength} is not -1, so that the disk tier
 * can keep it so.
 */
public record ItemCopy(Key key, byte[] stored, int rawLength, int flags, long expiresAt, long cas, long version,
        long accessedAt, boolean fetched, boolean stale, boolean winTokenSent, ValueForm form) implements Item {

    @Override
    public byte[] value() {
        return rawLength < 0 ? stored : ValueCompression.decompress(stored, rawLength);
    }

    @Override
    public byte[] compressedValue() {
        return rawLength < 0 ? null : stored;
    }

    @Override
    public boolean compressed() {
        return rawLength >= 0;
    }

    @Override
    public int valueLength() {
        return rawLength < 0 ? stored.length : rawLength;
    }

    @Override
    public int storedLength() {
        return stored.length;
    }

    @Override
    public MemorySegment valueMemory() {
        return MemorySegment.ofArray(stored);
    }
}
