import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What a new block costs the thread that asks for it: Arena.allocate (which zeroes it) against the C
 * library's malloc (which does not), each followed by writes of 1 KiB items over the whole block, as
 * a segment fills. Run each way in a fresh JVM, so that the pages are new to the process, as they
 * are while a cache fills:
 *   java --enable-native-access=ALL-UNNAMED bench/BlockAllocation.java arena|malloc [MiB per block] [blocks]
 * Defaults: 1 MiB blocks (a segment's largest size), 400 of them. With one block of 1024 MiB it is
 * the largest item -I allows.
 */
public class BlockAllocation {

    public static void main(String[] args) throws Throwable {
        boolean arena = args[0].equals("arena");
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1) << 20;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        Linker linker = Linker.nativeLinker();
        MethodHandle malloc = linker.downcallHandle(linker.defaultLookup().find("malloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        long allocating = 0;
        long writing = 0;
        for (int i = 0; i < blocks; i++) {
            long start = System.nanoTime();
            MemorySegment block = arena ? Arena.ofShared().allocate(bytes, 8)
                    : ((MemorySegment) malloc.invokeExact(bytes)).reinterpret(bytes);
            long allocated = System.nanoTime();
            for (long at = 0; at < bytes; at += 1024) {
                block.set(ValueLayout.JAVA_LONG, at, at);
            }
            allocating += allocated - start;
            writing += System.nanoTime() - allocated;
        }
        System.out.printf("%s, %d blocks of %d MiB: %.1f us to allocate a block, then %.1f us to write it%n",
                args[0], blocks, bytes >> 20, allocating / 1e3 / blocks, writing / 1e3 / blocks);
    }
}
