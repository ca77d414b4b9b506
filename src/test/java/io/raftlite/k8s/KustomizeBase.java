package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kustomize base in {@code k8s/}, resolved without kustomize: the kustomization file is read strictly
 * (a field this class does not know, such as {@code patches} or {@code namePrefix}, fails instead of being
 * ignored), its resources are read in order, and its {@code images} entries are applied to the
 * containers. That is all the base uses; anything more needs this class extended first.
 */
final class KustomizeBase {

    static final Path DIR = Path.of("k8s").toAbsolutePath();
    static final Path FILE = DIR.resolve("kustomization.yaml");

    /** The fields of kustomization.yaml the base may use. */
    record Kustomization(String apiVersion, String kind, List<String> resources, List<Image> images) {
    }

    /** An {@code images:} entry: containers whose image name is {@code name} get the new name and tag. */
    record Image(String name, String newName, String newTag) {
    }

    private KustomizeBase() {
    }

    static Kustomization kustomization() {
        Kustomization k = StrictManifestParser.read(read(FILE), Kustomization.class);
        assertThat(k.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
        assertThat(k.kind()).isEqualTo("Kustomization");
        assertThat(k.resources()).as("resources of %s", FILE).isNotEmpty();
        return k;
    }

    /** The objects {@code kustomize build k8s/} produces, strictly parsed. */
    static Manifests build() {
        Kustomization k = kustomization();
        List<String> files = new ArrayList<>();
        for (String resource : k.resources()) {
            Path file = DIR.resolve(resource).normalize();
            assertThat(file.startsWith(DIR)).as("resource %s stays inside k8s/", resource).isTrue();
            assertThat(file).as("resource %s listed in kustomization.yaml", resource).isRegularFile();
            files.add(read(file));
        }
        Manifests manifests = Manifests.parse(files);
        for (StatefulSet sts : manifests.all(StatefulSet.class)) {
            for (Container container : sts.getSpec().getTemplate().getSpec().getContainers()) {
                container.setImage(applyImages(container.getImage(), k.images()));
            }
        }
        return manifests;
    }

    /** Kustomize's image transformer for name[:tag] references (digests are not used by the base). */
    static String applyImages(String image, List<Image> images) {
        if (images == null) {
            return image;
        }
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/');
        String name = tagged ? image.substring(0, colon) : image;
        String tag = tagged ? image.substring(colon + 1) : null;
        for (Image entry : images) {
            if (entry.name().equals(name)) {
                String newName = entry.newName() != null ? entry.newName() : name;
                String newTag = entry.newTag() != null ? entry.newTag() : tag;
                return newTag == null ? newName : newName + ":" + newTag;
            }
        }
        return image;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
