package io.raftlite;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.rocksdb.util.Environment;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps SQLite's and RocksDB's native libraries in a directory between starts. Left alone, each
 * library copies its shared object (RocksDB's is 13 MB) out of its jar into a new temporary file at
 * every start, on the main thread: about 0.15 s of a start's critical path in a profile.
 *
 * <p>Only when asked: the launcher ({@code bin/raftlite}) passes {@value #DIRECTORY_PROPERTY}, its
 * per-jar start-up directory, and puts that directory first on {@code java.library.path}, where
 * RocksDB looks before it copies anything; SQLite is pointed at it with its own
 * {@code org.sqlite.lib.path}. The files are copied there once, from the very jars in use, under the
 * names each library looks for. Without the property, or when anything here fails, nothing changes:
 * the libraries load themselves as they always do.
 */
final class NativeLibraryCache {
    static final String DIRECTORY_PROPERTY = "raftlite.native-library-dir";

    private NativeLibraryCache() {
    }

    /** Fills the directory named by {@value #DIRECTORY_PROPERTY}, if any, and points SQLite at it. */
    static void prepare() {
        String dir = System.getProperty(DIRECTORY_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path directory = Path.of(dir);
        try {
            Files.createDirectories(directory);
            // RocksDB finds this name on java.library.path (System.loadLibrary("rocksdbjni-linux64")).
            String rocksdb = Environment.getJniLibraryFileName("rocksdb");
            copyOnce("/" + rocksdb, directory.resolve(rocksdb));
            String sqlite = LibraryLoaderUtil.getNativeLibName();
            if (copyOnce(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + sqlite, directory.resolve(sqlite))
                    && System.getProperty("org.sqlite.lib.path") == null) {
                System.setProperty("org.sqlite.lib.path", directory.toString());
                System.setProperty("org.sqlite.lib.name", sqlite);
            }
        } catch (IOException | RuntimeException e) {
            // The libraries' own loading still works; only the time saving is lost.
            System.err.println("raftlite: native libraries not cached in " + dir + ": " + e);
        }
    }

    /**
     * Makes {@code target} a copy of the class-path resource, unless a file of the resource's size
     * is there already. Written under a temporary name and moved into place, so a start that dies
     * half-way, or a second node starting at the same moment, never leaves a partial library.
     *
     * @return whether the target now holds the library (false: this platform has no such resource)
     */
    private static boolean copyOnce(String resource, Path target) throws IOException {
        URL url = NativeLibraryCache.class.getResource(resource);
        if (url == null) {
            return false;
        }
        URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong(); // from the jar's directory: nothing inflated
        if (size > 0 && Files.isRegularFile(target) && Files.size(target) == size) {
            return true;
        }
        Path part = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        return true;
    }
}
