package io.raftlite.system;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external programs the system tests drive. A missing program fails the test when
 * {@code CI=true} (CI installs them, so their absence is a broken build, never a silent skip) and
 * skips it on a developer machine.
 */
final class SystemTools {
    private SystemTools() {
    }

    /** The absolute path of {@code program}, from {@code PATH} or the sbin directories Debian uses. */
    static Path require(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = program + " is not installed (apt-get install -y --no-install-recommends haproxy prometheus)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** The packaged application jar, as failsafe passes it. */
    static Path applicationJar() {
        String configured = System.getProperty("raftlite.jar");
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            fail("system property raftlite.jar must name the packaged jar (run through failsafe: ./mvnw -Psystem verify); got "
                    + configured);
        }
        return Path.of(configured).toAbsolutePath();
    }

    /** The JVM that runs the tests; the pods run on the same one. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
