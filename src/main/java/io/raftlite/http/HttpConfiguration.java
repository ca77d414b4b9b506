package io.raftlite.http;

import io.micrometer.observation.ObservationRegistry;
import io.raftlite.auth.CredentialStore;
import io.raftlite.config.NodeConfiguration.NodeVersion;
import io.raftlite.config.RaftliteProperties;
import io.raftlite.db.sql.StatementRewriter;
import io.raftlite.metrics.RequestMetrics;
import io.raftlite.store.Store;
import io.raftlite.store.WriteQueue;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.StringSchema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/** Wires the rqlite-compatible HTTP layer. */
@Configuration(proxyBeanMethods = false)
public class HttpConfiguration {

    /** The HTTP address this node advertises ({@code host:port}, no scheme). */
    @Bean
    AdvertisedHttpAddress advertisedHttpAddress(RaftliteProperties props, @Value("${server.address:localhost}") String host,
            @Value("${server.port:4001}") int port) {
        return new AdvertisedHttpAddress(props.httpAdvAddr().isBlank() ? host + ":" + port : props.httpAdvAddr());
    }

    @Bean
    FilterRegistrationBean<RqliteProtocolFilter> rqliteProtocolFilter(CredentialStore credentials, RaftliteProperties props,
            NodeVersion version) {
        FilterRegistrationBean<RqliteProtocolFilter> reg =
                new FilterRegistrationBean<>(new RqliteProtocolFilter(credentials, props, version.value()));
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        reg.addUrlPatterns("/*");
        return reg;
    }

    /** The data endpoints, served without Spring MVC's dispatch once the protocol filter let them through. */
    @Bean
    FilterRegistrationBean<DataFastPath> dataFastPath(DataController data) {
        FilterRegistrationBean<DataFastPath> reg = new FilterRegistrationBean<>(new DataFastPath(data));
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        reg.addUrlPatterns("/*");
        return reg;
    }

    /**
     * Keeps Spring's {@code http.server.requests} observation filter out of the chain. Those
     * observations are switched off ({@code management.observations.enable.http.server.requests=false}:
     * {@code raftlite_http_requests} measures the API instead), yet the filter still looked up and
     * scoped a no-op observation for every request. Spring Boot registers its own only when no
     * registration of this filter type exists; this one is that registration, disabled. Switching
     * the observations back on (docs/monitoring.md) drops it, and Spring's filter is back.
     */
    @Bean
    @ConditionalOnBooleanProperty(name = "management.observations.enable.http.server.requests", havingValue = false)
    FilterRegistrationBean<ServerHttpObservationFilter> noHttpServerObservationFilter() {
        FilterRegistrationBean<ServerHttpObservationFilter> reg =
                new FilterRegistrationBean<>(new ServerHttpObservationFilter(ObservationRegistry.NOOP));
        reg.setEnabled(false);
        return reg;
    }

    /**
     * No request is multipart: rqlite's API reads raw bodies whatever their Content-Type says. With
     * Spring's default resolver, a body labelled {@code multipart/form-data} is parsed before any
     * handler runs: a label without a boundary ends in a 500 on every endpoint, and a well-formed one
     * consumes the body the handler would read.
     */
    @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver() {
        return new MultipartResolver() {
            @Override
            public boolean isMultipart(HttpServletRequest request) {
                return false;
            }

            @Override
            public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request) {
                throw new MultipartException("multipart requests are not supported");
            }

            @Override
            public void cleanupMultipart(MultipartHttpServletRequest request) {
                // nothing was resolved
            }
        };
    }

    @Bean
    StatementParser statementParser() {
        return new StatementParser();
    }

    @Bean
    LeaderRouting leaderRouting(io.raftlite.cluster.LeaderForwarder forwarder, Store store, RequestMetrics meters) {
        return new LeaderRouting(forwarder, store, meters);
    }

    @Bean
    HttpMetrics httpMetrics(RequestMetrics meters) {
        return new HttpMetrics(meters);
    }

    @Bean
    StatusReport statusReport(Store store, WriteQueue queue, RaftliteProperties props, NodeVersion version,
            AdvertisedHttpAddress http, CredentialStore credentials, @Value("${server.address:localhost}") String host,
            @Value("${server.port:4001}") int port, io.raftlite.cluster.PeerDirectory directory) {
        return new StatusReport(store, queue, props, version.value(), http.value(), host + ":" + port,
                credentials.enabled(), directory);
    }

    /**
     * Finishes the OpenAPI document: names the API, and gives every query parameter declared without a
     * type a string schema (OpenAPI requires a schema or content on each parameter; rqlite's options
     * are strings or presence flags).
     */
    @Bean
    OpenApiCustomizer rqliteOpenApi(NodeVersion version) {
        return api -> {
            api.info(new Info().title("raftlite").version(version.value())
                    .description("SQLite replicated with Raft, behind an HTTP API compatible with rqlite's."));
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().values().stream()
                    .flatMap(item -> item.readOperations().stream())
                    .filter(op -> op.getParameters() != null)
                    .flatMap(op -> op.getParameters().stream())
                    .filter(Objects::nonNull)
                    .filter(p -> p.getSchema() == null && p.getContent() == null)
                    .forEach(p -> p.setSchema(new StringSchema()));
        };
    }

    /** {@code host:port} of this node's HTTP API as others should reach it. */
    public record AdvertisedHttpAddress(String value) {
    }
}
