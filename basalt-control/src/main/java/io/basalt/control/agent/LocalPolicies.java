package io.basalt.control.agent;

import io.basalt.control.volume.VolumeException;

import java.util.List;

/**
 * The brick's own copy of the cluster's QoS policies, which its volumes' limits are read from;
 * the daemon implements it (the limits are the data path's type, which the control plane does not
 * know).
 */
public interface LocalPolicies {
    /** The names of the policies the brick holds. */
    List<String> policyNames();

    /** Makes the brick's policy of that name what the cluster's record of it says now, if it has one. */
    void takePolicy(String name) throws VolumeException;

    /** Deletes the brick's policy; refused while a volume uses it. */
    void deletePolicy(String name) throws VolumeException;
}
