package org.ratmemcache.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs for tests that need a disk that really fills up: root writes through chmod, so
 * only a file system of its own fails. Mounting one needs root (as CI has).
 */
public final class Tmpfs {

    private Tmpfs() {
    }

    /** Whether this process may try to mount one. */
    public static boolean mountable() {
        return ProcessHandle.current().info().user().orElse("").equals("root");
    }

    /** Mounts a tmpfs of {@code size} (e.g. "32m") on {@code dir}; returns mount's exit code. */
    public static int mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    public static int remount(Path dir, String options) throws IOException, InterruptedException {
        return run("mount", "-o", "remount," + options, dir.toString());
    }

    /** Lazily: whatever still holds files open there lets go later. */
    public static void unmount(Path dir) throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }

    /** Fills the file system {@code filler} is on up to its last megabyte. */
    public static void fill(Path filler) throws IOException {
        fill(filler, 1 << 20);
    }

    /** Appends to {@code filler} until the file system has no more than {@code leave} bytes free. */
    public static void fill(Path filler, long leave) throws IOException {
        long free = Files.getFileStore(filler.getParent()).getUsableSpace();
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (long written = 0; written < free - leave; written += block.length) {
                out.write(block);
            }
        } catch (IOException full) {
            // as full as it gets
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
