package io.raftlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class AheadOfTimeModeTest {
    private static final String JAR_FILE =
            "Config resource 'class path resource [application.properties]' via location 'optional:classpath:/'";

    @Test
    void theJarsOwnSettingsAndRaftliteSettingsKeepTheGeneratedDefinitions() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource(JAR_FILE,
                Map.of("management.endpoints.web.exposure.include", "health", "springdoc.api-docs.path", "/v3")));
        env.getPropertySources().addLast(new MapPropertySource("defaultProperties", Map.of("server.tomcat.threads.max", "4")));
        env.getPropertySources().addLast(new MapPropertySource("applicationInfo", Map.of("spring.application.pid", "1")));
        env.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", Map.of("raftlite.data-dir", "/d",
                "server.port", "1", "server.address", "127.0.0.1", "server.tomcat.threads.max", "2", "logging.level.root", "WARN")));
        assertThat(AheadOfTimeMode.buildTimeSettingOverridden(env)).isEmpty();
    }

    @Test
    void aConditionPropertyFromAnyOtherSourceMeansTheClassicStart() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", Map.of("springdoc.api-docs.enabled", "false")));
        assertThat(AheadOfTimeMode.buildTimeSettingOverridden(env)).contains("springdoc.api-docs.enabled (commandLineArgs)");

        StandardEnvironment fromFile = new StandardEnvironment();
        fromFile.getPropertySources().addFirst(new MapPropertySource(
                "Config resource 'file [config/application.properties]' via location 'optional:file:./config/'",
                Map.of("spring.profiles.active", "x")));
        assertThat(AheadOfTimeMode.buildTimeSettingOverridden(fromFile)).hasValueSatisfying(v -> assertThat(v).startsWith("spring.profiles.active"));
    }

    @Test
    void environmentVariablesCountInTheirRelaxedForm() {
        assertThat(AheadOfTimeMode.readByConditions("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE")).isTrue();
        assertThat(AheadOfTimeMode.readByConditions("SPRINGDOC_API_DOCS_ENABLED")).isTrue();
        assertThat(AheadOfTimeMode.readByConditions("SERVER_FORWARD_HEADERS_STRATEGY")).isTrue();
        assertThat(AheadOfTimeMode.readByConditions("SERVER_PORT")).isFalse();
        assertThat(AheadOfTimeMode.readByConditions("SERVER_TOMCAT_THREADS_MAX")).isFalse();
        assertThat(AheadOfTimeMode.readByConditions("RAFTLITE_BOOTSTRAP_EXPECT")).isFalse();
        assertThat(AheadOfTimeMode.readByConditions("JAVA_TOOL_OPTIONS")).isFalse();
        assertThat(AheadOfTimeMode.readByConditions("spring.context.exit")).isFalse();
    }
}
