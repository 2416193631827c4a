package org.ratmemcache.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Memory for blocks from the C library's {@code malloc}, not zeroed. {@link Arena#allocate} zeroes
 * what it hands out, and so touches every page of a new block at once, on the thread that asked:
 * half a millisecond per mebibyte on a fresh process (BENCHMARKS.md), an event loop's stall for each
 * new segment while a cache fills, and a whole second for a value of a gibibyte. A block needs no
 * zeroes: a segment is read only up to its fill, a large block only as far as its item was
 * written, and the pool reuses blocks without clearing them anyway. Its pages are touched as its
 * items are written. Where the C library cannot be called (a native image built without the
 * downcalls registered), blocks come from the arena as before.
 */
final class NativeMemory {

    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;

    static {
        MethodHandle malloc = null;
        MethodHandle free = null;
        try {
            Linker linker = Linker.nativeLinker();
            malloc = linker.downcallHandle(linker.defaultLookup().find("malloc").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            free = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            free.invokeExact((MemorySegment) malloc.invokeExact(16L)); // a native image may refuse only when called
        } catch (Throwable e) {
            malloc = null;
            free = null;
        }
        MALLOC = malloc;
        FREE = free;
    }

    private NativeMemory() {
    }

    /** {@code bytes} of memory, 16-byte aligned, freed when {@code arena} closes; not zeroed. */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (MALLOC == null) {
            return arena.allocate(bytes, 16);
        }
        MemorySegment memory;
        try {
            memory = (MemorySegment) MALLOC.invokeExact(bytes);
        } catch (Throwable e) {
            throw new IllegalStateException("malloc failed", e);
        }
        if (memory.address() == 0) {
            throw new OutOfMemoryError("no native memory for a block of " + bytes + " bytes");
        }
        return memory.reinterpret(bytes, arena, NativeMemory::free);
    }

    private static void free(MemorySegment memory) {
        try {
            FREE.invokeExact(memory);
        } catch (Throwable e) {
            throw new IllegalStateException("free failed", e);
        }
    }
}
