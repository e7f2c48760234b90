package io.basalt.api;

import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.api.model.EventView;
import io.basalt.api.model.HealthView;
import io.basalt.api.model.QosPolicyRequest;
import io.basalt.api.model.QosPolicyView;
import io.basalt.api.model.UpdateVolumeRequest;
import io.basalt.api.model.VolumeView;

import java.util.List;

/**
 * What the REST API asks of a brick. The brick implements it; the HTTP layer only routes, checks
 * tokens, pages and serialises. Every method throws {@link ApiException} for requests it refuses;
 * any other exception is a bug and becomes a 500.
 */
public interface BrickService {
    /** An outcome that may or may not have created something (idempotent create, PUT). */
    record Outcome<T>(T value, boolean created) {
    }

    /** Creates a volume, or returns the existing one if it has the same spec (created == false). */
    Outcome<VolumeView> createVolume(CreateVolumeRequest request);

    /** Every volume, sorted by name. */
    List<VolumeView> listVolumes();

    /** By name or UUID. */
    VolumeView getVolume(String name);

    VolumeView updateVolume(String name, UpdateVolumeRequest request);

    void deleteVolume(String name);

    /** Idempotent: allowing a host twice is no error. */
    VolumeView allowHost(String volume, String hostNqn);

    /** Idempotent: revoking a host that has no access is no error. */
    VolumeView revokeHost(String volume, String hostNqn);

    List<QosPolicyView> listQosPolicies();

    QosPolicyView getQosPolicy(String name);

    /** Creates or replaces; volumes under the policy take it at once. */
    Outcome<QosPolicyView> putQosPolicy(String name, QosPolicyRequest request);

    void deleteQosPolicy(String name);

    BrickInfo info();

    /** Events with an id above {@code afterId}, oldest first, at most {@code limit}. */
    List<EventView> events(long afterId, int limit);

    HealthView health();

    /** Metrics in the Prometheus text format. */
    String metrics();
}
