package io.basalt.server.volume;

import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.ConfigException;
import io.basalt.control.volume.VolumeSpec;
import io.basalt.control.volume.DataDirException;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;

import java.util.Collection;
import java.util.List;

/**
 * Creating, changing and deleting QoS policies: each change is written to the policy store first,
 * then applied to the online volumes under the policy. Called with the {@link VolumeManager}'s lock
 * held, which also guards the volumes' policy names.
 */
final class QosPolicyEdits {
    private final QosPolicyStore policies;
    private final VolumeCatalog catalog;
    private final VolumeExporter exporter;

    QosPolicyEdits(QosPolicyStore policies, VolumeCatalog catalog, VolumeExporter exporter) {
        this.policies = policies;
        this.catalog = catalog;
        this.exporter = exporter;
    }

    /** The policy's limits; NOT_FOUND if there is no such policy. */
    QosLimits get(String name) throws VolumeException {
        QosLimits l = policies.get(name);
        if (l == null) {
            throw VolumeException.notFound("no QoS policy named '" + name + "'");
        }
        return l;
    }

    /** Refuses (INVALID) a volume change naming a policy that does not exist; null names none. */
    void requireKnown(String policy) throws VolumeException {
        if (policy != null && policies.get(policy) == null) {
            throw VolumeException.invalid("no QoS policy named '" + policy + "'");
        }
    }

    /** Creates or replaces a policy; the online volumes under it take the new limits at once. True if created. */
    boolean put(String name, QosLimits limits, Collection<Volume> online) throws VolumeException {
        try {
            VolumeSpec.requireValidName(name);
        } catch (ConfigException e) {
            throw VolumeException.invalid(e.getMessage().replace("volume name", "policy name"));
        }
        boolean created = policies.get(name) == null;
        try {
            policies.put(name, limits);
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
        for (Volume v : online) {
            if (name.equals(v.metadata().qosPolicy())) {
                exporter.applyQos(v.namespace(), v.metadata());
            }
        }
        return created;
    }

    /** Deletes a policy no volume uses (CONFLICT, naming them, if some do). */
    void delete(String name) throws VolumeException {
        get(name);
        List<String> users = catalog.all().stream().filter(v -> name.equals(v.qosPolicy()))
                .map(VolumeMetadata::name).toList();
        if (!users.isEmpty()) {
            throw VolumeException.conflict("QoS policy '" + name + "' is used by volume(s) " + String.join(", ", users));
        }
        try {
            policies.delete(name);
        } catch (DataDirException e) {
            throw VolumeException.internal(e.getMessage());
        }
    }
}
