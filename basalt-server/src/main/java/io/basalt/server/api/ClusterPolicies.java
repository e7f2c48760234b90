package io.basalt.server.api;

import io.basalt.api.ApiException;
import io.basalt.api.BrickService.Outcome;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.QosPolicyView;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.volume.qos.QosLimits;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.control.volume.DataDirException;
import io.basalt.server.volume.QosPolicyStore;

import java.util.List;

import static io.basalt.server.api.ApiRequests.call;
import static io.basalt.server.api.ApiRequests.zero;

/** A cluster's QoS policies, kept in its metadata store; each brick's agent applies them to its volumes. */
final class ClusterPolicies {
    private final QosPolicyStore policies;
    private final ClusterVolumes volumes;

    ClusterPolicies(MetadataStore store, ClusterVolumes volumes) {
        this.policies = QosPolicyStore.view(store);
        this.volumes = volumes;
    }

    List<QosPolicyView> list() {
        return unavailableIfDown(() -> policies.all().stream().map(p -> view(p.name(), p.limits())).toList());
    }

    QosPolicyView get(String name) {
        return view(name, require(name));
    }

    QosLimits require(String name) {
        QosLimits l = unavailableIfDown(() -> policies.get(name));
        if (l == null) {
            throw ApiException.notFound("no QoS policy '" + name + "'");
        }
        return l;
    }

    Outcome<QosPolicyView> put(String name, QosPolicyRequest r) {
        if (!MetadataKeys.isSegment(name)) {
            throw ApiException.invalid("invalid policy name '" + name + "'");
        }
        QosLimits limits;
        try {
            limits = new QosLimits(zero(r.readIops()), zero(r.writeIops()), zero(r.readBytesPerSecond()),
                    zero(r.writeBytesPerSecond()), zero(r.iopsPerGib()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        boolean created = unavailableIfDown(() -> policies.get(name)) == null;
        try {
            policies.put(name, limits);
        } catch (DataDirException e) {
            throw ApiException.unavailable(e.getMessage());
        }
        return new Outcome<>(view(name, limits), created);
    }

    void delete(String name) {
        require(name);
        List<String> users = users(name);
        if (!users.isEmpty()) {
            throw ApiException.conflict("QoS policy '" + name + "' is used by " + users + "; change their policy first");
        }
        try {
            policies.delete(name);
        } catch (DataDirException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    private List<String> users(String name) {
        return call(volumes::list).stream().filter(v -> name.equals(v.spec().qosPolicy())).map(ClusterVolume::name)
                .sorted().toList();
    }

    private QosPolicyView view(String name, QosLimits l) {
        return new QosPolicyView(name, l.readIops(), l.writeIops(), l.readBytesPerSecond(), l.writeBytesPerSecond(),
                l.iopsPerGib(), users(name));
    }

    private static <T> T unavailableIfDown(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalStateException e) {
            throw ApiException.unavailable("the cluster's metadata store cannot be reached: " + e.getMessage());
        }
    }
}
