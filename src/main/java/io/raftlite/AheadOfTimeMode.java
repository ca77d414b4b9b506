package io.raftlite;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Starts the node from the bean definitions that Spring's ahead-of-time processing wrote at build
 * time (the {@code process-aot} goal), when that is safe: about 0.9 s less CPU and 0.5 s less
 * time to ready on this project's 2-core machine (docs/benchmarks.md), because the auto-configuration
 * classes are neither parsed nor their conditions evaluated at each start.
 *
 * <p>Those conditions were evaluated once, at build time, against the jar's own
 * {@code application.properties}. A Spring property that can switch a bean on or off
 * ({@code springdoc.api-docs.enabled}, {@code management.endpoints.web.exposure.include}, ...) set
 * anywhere else would be silently ignored in that mode, so any such property means the classic
 * start: anything under {@code spring.}, {@code management.}, {@code springdoc.} or {@code server.},
 * in any property source other than the jar's own file and the defaults, except the few listed in
 * {@link #RUNTIME_ONLY} that no condition reads. raftlite's own settings ({@code raftlite.*}) and
 * {@code logging.*} are bound at run time either way. An explicit {@code -Dspring.aot.enabled} always wins.
 *
 * <p>Runs when the environment is complete and before Spring first asks whether to use the
 * generated code (when it prepares the application context).
 */
final class AheadOfTimeMode implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    static final String ENABLED = "spring.aot.enabled";
    private static final String GENERATED_INITIALIZER = RaftliteApplication.class.getName()
            + "__ApplicationContextInitializer";
    private static final Set<String> CONDITION_PREFIXES = Set.of("spring.", "management.", "springdoc.", "server.");
    /** Properties under those prefixes that are only bound at run time, by the web server or by Spring itself. */
    private static final Set<String> RUNTIME_ONLY = Set.of("spring.context.exit", "server.port", "server.address",
            "server.shutdown");
    private static final String RUNTIME_ONLY_PREFIX = "server.tomcat.";
    /** Property sources that Spring fills itself: the defaults, and the version and PID it reports. */
    private static final Set<String> SPRING_MADE = Set.of("defaultProperties", "applicationInfo");
    /** How Spring names the property source of the jar's own application.properties. */
    private static final String JAR_PROPERTIES = "class path resource [application.properties]";

    private final Log log = LogFactory.getLog(AheadOfTimeMode.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (System.getProperty(ENABLED) != null || Boolean.getBoolean("spring.aot.processing")
                || !ClassUtils.isPresent(GENERATED_INITIALIZER, AheadOfTimeMode.class.getClassLoader())) {
            return;
        }
        Optional<String> reason = buildTimeSettingOverridden(event.getEnvironment());
        if (reason.isPresent()) {
            log.info("starting without the build's ahead-of-time bean definitions: " + reason.get()
                    + " may change which beans exist");
            return;
        }
        System.setProperty(ENABLED, "true");
    }

    /** The first property, and where it comes from, that build-time conditions might have read otherwise. */
    static Optional<String> buildTimeSettingOverridden(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (SPRING_MADE.contains(source.getName()) || source.getName().contains(JAR_PROPERTIES)) {
                continue;
            }
            if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                if (readByConditions(name)) {
                    return Optional.of(name + " (" + source.getName() + ")");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a property name (or an environment variable's, in its relaxed form) may be one a condition reads. */
    static boolean readByConditions(String name) {
        String property = name.toLowerCase(Locale.ROOT).replace('_', '.');
        return CONDITION_PREFIXES.stream().anyMatch(property::startsWith)
                && !RUNTIME_ONLY.contains(property)
                && !property.startsWith(RUNTIME_ONLY_PREFIX);
    }
}
