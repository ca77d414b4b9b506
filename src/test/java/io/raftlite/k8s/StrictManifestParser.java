package io.raftlite.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Turns YAML manifests into fabric8's typed Kubernetes objects the way the API server would judge them,
 * not the way fabric8 does by default. fabric8's models accept anything: every bean has an
 * {@code @JsonAnySetter} that files a misspelt field ({@code readinesProbe}) under
 * {@code additionalProperties}, and Jackson coerces {@code "3"} into {@code 3} and {@code 4001} into
 * {@code "4001"}. The API server rejects all of these (or silently drops the misspelt field, which is
 * worse), so a chart test that parses leniently proves nothing.
 *
 * <p>This parser therefore:
 * <ul>
 *   <li>reads YAML 1.1 as Kubernetes does (an empty value is null, {@code yes} is a boolean) and fails on
 *       duplicate keys (many YAML readers let the last one win silently);</li>
 *   <li>removes the any-setter from every fabric8 bean and fails on unknown properties;</li>
 *   <li>turns off every scalar coercion: a string for an integer or boolean, a number or boolean for a
 *       string (an unquoted {@code 4001} annotation value), a float for an integer;</li>
 *   <li>accepts only an integer or a string for {@code IntOrString} (fabric8 would take a map);</li>
 *   <li>picks the class fabric8 registered for the document's apiVersion/kind and fails for kinds it does
 *       not know (a typo in {@code kind} would otherwise pass as a generic resource);</li>
 *   <li>serialises the typed object back and compares it with the document, so that nothing a custom
 *       fabric8 deserializer or an ignored property swallowed goes unnoticed.</li>
 * </ul>
 * It does not check what only the API server's validation knows (required fields, enum values, label
 * syntax); {@link DeploymentRules} checks the parts raftlite depends on.
 */
final class StrictManifestParser {

    /** fabric8's registry of apiVersion/kind to model class, filled from the model jars' service files. */
    private static final KubernetesDeserializer REGISTRY = new KubernetesDeserializer();

    private static final ObjectMapper MAPPER = strictMapper();

    private StrictManifestParser() {
    }

    /** One parsed document: the typed object and the tree it came from. */
    record Document(HasMetadata object, JsonNode tree) {
    }

    /** Parses a multi-document YAML stream; empty documents (a template that rendered nothing) are skipped. */
    static List<Document> parseAll(String yaml) {
        List<Document> documents = new ArrayList<>();
        for (JsonNode tree : readTrees(yaml)) {
            if (tree.isNull() || tree.isEmpty()) {
                continue;
            }
            documents.add(new Document(toTyped(tree), tree));
        }
        return documents;
    }

    /** Reads a single YAML document into a plain tree, failing on duplicate keys; for non-Kubernetes files. */
    static JsonNode readTree(String yaml) {
        List<JsonNode> trees = readTrees(yaml);
        if (trees.size() != 1) {
            throw new ManifestException("expected one YAML document, got " + trees.size());
        }
        return trees.get(0);
    }

    /** Reads a single document into a type with the same strictness, e.g. the kustomization file. */
    static <T> T read(String yaml, Class<T> type) {
        try {
            return MAPPER.treeToValue(readTree(yaml), type);
        } catch (IOException e) {
            throw new ManifestException(type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * YAML 1.1, as Kubernetes' decoder reads it: an empty value is null, {@code yes}/{@code on} are
     * booleans, {@code 0755} is octal. SnakeYAML resolves scalars by the same rules (Jackson's own YAML
     * parser does not: it reads an empty value as ""). Duplicate keys are an error.
     */
    private static List<JsonNode> readTrees(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml loader = new Yaml(new SafeConstructor(options));
        List<JsonNode> trees = new ArrayList<>();
        try {
            for (Object document : loader.loadAll(yaml)) {
                trees.add(toTree(document, ""));
            }
        } catch (YAMLException e) {
            throw new ManifestException("not valid YAML: " + e.getMessage(), e);
        }
        return trees;
    }

    private static JsonNode toTree(Object value, String path) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), toTree(v, path + "/" + k)));
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode();
            for (int i = 0; i < list.size(); i++) {
                array.add(toTree(list.get(i), path + "/" + i));
            }
            return array;
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        }
        if (value instanceof Integer number) {
            return nodes.numberNode(number);
        }
        if (value instanceof Long number) {
            return nodes.numberNode(number);
        }
        if (value instanceof BigInteger number) {
            return nodes.numberNode(number);
        }
        if (value instanceof Double number) {
            return nodes.numberNode(number);
        }
        throw new ManifestException("value at " + path + " is a YAML " + value.getClass().getSimpleName()
                + " (" + value + "); quote it if it is meant as a string");
    }

    /** The typed object for one document; fails for an unknown kind, unknown fields or coerced scalars. */
    static HasMetadata toTyped(JsonNode tree) {
        String apiVersion = tree.path("apiVersion").asText("");
        String kind = tree.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new ManifestException("document without apiVersion or kind: " + abbreviate(tree));
        }
        Class<? extends KubernetesResource> type = REGISTRY.getRegisteredKind(apiVersion, kind);
        if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
            throw new ManifestException("no typed model registered for " + apiVersion + " " + kind);
        }
        HasMetadata object;
        try {
            object = (HasMetadata) MAPPER.treeToValue(tree, type);
        } catch (IOException e) {
            throw new ManifestException(kind + " " + tree.at("/metadata/name").asText() + ": " + e.getMessage(), e);
        }
        JsonNode back = MAPPER.valueToTree(object);
        String difference = firstDifference("", normalise(tree), normalise(back));
        if (difference != null) {
            throw new ManifestException(kind + " " + object.getMetadata().getName()
                    + ": the typed object does not say what the document says at " + difference);
        }
        return object;
    }

    /** Writes a value as YAML (for messages and byte comparisons). */
    static String toYaml(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new ManifestException(e.getMessage(), e);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper strictMapper() {
        YAMLFactory factory = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        SimpleModule strictness = new SimpleModule("raftlite-strict-manifests");
        strictness.setDeserializerModifier(new NoAnySetter());
        strictness.addDeserializer(IntOrString.class, new StrictIntOrString());
        ObjectMapper mapper = YAMLMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(strictness)
                .build();
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        for (CoercionInputShape scalar : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
        for (LogicalType type : List.of(LogicalType.POJO, LogicalType.Map, LogicalType.Collection, LogicalType.Array)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }

    /** Removes fabric8's catch-all {@code additionalProperties} setter, so unknown fields fail. */
    private static final class NoAnySetter extends BeanDeserializerModifier {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                     BeanDeserializerBuilder builder) {
            if (description.getBeanClass().getName().startsWith("io.fabric8.")) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
            }
            return builder;
        }
    }

    /** The Kubernetes int-or-string: exactly an integer or a string, nothing else. */
    private static final class StrictIntOrString extends JsonDeserializer<IntOrString> {
        @Override
        public IntOrString deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NUMBER_INT) {
                return new IntOrString(parser.getIntValue());
            }
            if (token == JsonToken.VALUE_STRING) {
                return new IntOrString(parser.getText());
            }
            return (IntOrString) context.handleUnexpectedToken(IntOrString.class, parser);
        }
    }

    /**
     * The tree without what carries no meaning for the API server: null values and empty maps and lists
     * (fabric8 leaves empty collections out when it writes). Key order is irrelevant.
     */
    private static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = normalise(field.getValue());
                if (!isEmpty(value)) {
                    out.set(field.getKey(), value);
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(normalise(element)));
            return out;
        }
        return node;
    }

    private static boolean isEmpty(JsonNode node) {
        return node.isNull() || node.isMissingNode() || (node.isContainerNode() && node.isEmpty());
    }

    /**
     * Where two normalised trees differ, or null. A number in the document may come back as the same digits
     * in a string: that is a Kubernetes quantity ({@code cpu: 1}), which is int-or-string by definition.
     */
    private static String firstDifference(String path, JsonNode document, JsonNode typed) {
        if (document.isObject() && typed.isObject()) {
            boolean nested = !path.isEmpty();
            for (Iterator<String> it = document.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!typed.has(key)) {
                    return path + "/" + key + " (dropped by the model)";
                }
                String difference = firstDifference(path + "/" + key, document.get(key), typed.get(key));
                if (difference != null) {
                    return difference;
                }
            }
            for (Iterator<String> it = typed.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                // fabric8 fills in apiVersion and kind of embedded objects (volumeClaimTemplates) by itself.
                boolean defaulted = nested && (key.equals("apiVersion") || key.equals("kind"));
                if (!document.has(key) && !defaulted) {
                    return path + "/" + key + " (added by the model)";
                }
            }
            return null;
        }
        if (document.isArray() && typed.isArray()) {
            if (document.size() != typed.size()) {
                return path + " (list length " + document.size() + " vs " + typed.size() + ")";
            }
            for (int i = 0; i < document.size(); i++) {
                String difference = firstDifference(path + "/" + i, document.get(i), typed.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (document.equals(typed)) {
            return null;
        }
        if (document.isIntegralNumber() && typed.isIntegralNumber()
                && document.bigIntegerValue().equals(typed.bigIntegerValue())) {
            return null; // int vs long in the model
        }
        if (document.isNumber() && typed.isTextual() && document.asText().equals(typed.asText())) {
            return null;
        }
        return path + " (" + abbreviate(document) + " became " + abbreviate(typed) + ")";
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** A manifest the API server would reject or misread. */
    static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }

        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
