package io.raftlite.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * One node shared by every API test class in the run (each class uses its own table names), so the
 * suite pays for one JVM start instead of one per class. Stopped when the test run ends.
 *
 * <p>Use with {@code @ExtendWith(SharedNode.class)} and {@link #api()}.
 */
public final class SharedNode implements BeforeAllCallback {
    private static NodeProcess node;

    @Override
    public synchronized void beforeAll(ExtensionContext context) throws IOException {
        if (node == null || !node.isAlive()) {
            Path dir = Files.createTempDirectory("raftlite-it-");
            node = NodeProcess.start(dir.resolve("node"));
            NodeProcess started = node;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put("raftlite-shared-node", (ExtensionContext.Store.CloseableResource) () -> {
                        started.close();
                        FileSystemUtils.deleteRecursively(dir.toFile());
                    });
        }
    }

    public static synchronized NodeProcess node() {
        return node;
    }

    public static Api api() {
        return new Api(node());
    }
}
