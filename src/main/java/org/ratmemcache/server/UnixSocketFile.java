package org.ratmemcache.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * The file of a Unix-domain socket listener. Before binding, a socket file left by a server that
 * is gone is removed (as memcached does), but not one a live server still accepts on, nor any other
 * kind of file. After binding, the file gets memcached's {@code -a} permission bits where the file
 * system has POSIX permissions (on Windows, its access control list is left as it is). The only
 * class that touches POSIX-only file APIs, and only behind that check (ArchitectureTest).
 */
final class UnixSocketFile {

    private static final Logger LOG = Logger.getLogger(UnixSocketFile.class);

    /** PosixFilePermission's constants, from the owner's read bit (0400) down to the others' execute bit (0001). */
    private static final PosixFilePermission[] BITS = PosixFilePermission.values();

    private UnixSocketFile() {
    }

    static void removeStale(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        }
        if (!attributes.isOther()) {
            throw new IOException(path + " exists and is not a socket");
        }
        if (acceptsConnections(path)) {
            throw new IOException("another server accepts connections on " + path);
        }
        Files.delete(path);
    }

    private static boolean acceptsConnections(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    static void restrict(Path path, int mask) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(permissions(mask));
        }
    }

    static void remove(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("cannot remove the socket file %s: %s", path, e.getMessage());
        }
    }

    static Set<PosixFilePermission> permissions(int mask) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mask & (0400 >> i)) != 0) {
                permissions.add(BITS[i]);
            }
        }
        return permissions;
    }
}
