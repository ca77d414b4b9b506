package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The objects of one deployment (a rendered chart, or the files of the kustomize base), strictly parsed,
 * with the lookups the rules need. Kind and name identify an object: two objects with the same kind, name
 * and namespace would overwrite each other on apply, so they are refused here.
 */
final class Manifests {

    private final List<StrictManifestParser.Document> documents;

    private Manifests(List<StrictManifestParser.Document> documents) {
        this.documents = List.copyOf(documents);
        Set<String> seen = new HashSet<>();
        for (StrictManifestParser.Document document : documents) {
            HasMetadata object = document.object();
            assertThat(object.getMetadata()).as("metadata of a %s", object.getKind()).isNotNull();
            assertThat(object.getMetadata().getName()).as("name of a %s", object.getKind()).isNotBlank();
            String key = object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
            assertThat(seen.add(key)).as("two objects are %s", key).isTrue();
        }
    }

    /** Parses one multi-document YAML stream. */
    static Manifests parse(String yaml) {
        return new Manifests(StrictManifestParser.parseAll(yaml));
    }

    /** Parses several YAML streams (files) into one set. */
    static Manifests parse(List<String> yamls) {
        List<StrictManifestParser.Document> all = new ArrayList<>();
        yamls.forEach(yaml -> all.addAll(StrictManifestParser.parseAll(yaml)));
        return new Manifests(all);
    }

    List<HasMetadata> objects() {
        return documents.stream().map(StrictManifestParser.Document::object).toList();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return documents.stream().map(StrictManifestParser.Document::object)
                .filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /** The object of that type and name; an assertion failure names what exists instead. */
    <T extends HasMetadata> T named(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                + " among " + names()));
    }

    /** The only object of that type. */
    <T extends HasMetadata> T single(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as("objects of type %s among %s", type.getSimpleName(), names()).hasSize(1);
        return found.get(0);
    }

    /** The YAML tree the object was parsed from, for comparisons of what was actually written. */
    JsonNode tree(HasMetadata object) {
        return documents.stream().filter(d -> d.object() == object).findFirst()
                .map(StrictManifestParser.Document::tree)
                .orElseThrow();
    }

    /** "Kind/name" of every object, for messages. */
    List<String> names() {
        return objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
    }
}
