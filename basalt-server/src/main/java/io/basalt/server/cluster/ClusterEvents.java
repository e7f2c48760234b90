package io.basalt.server.cluster;

/**
 * Where the cluster's parts report what an operator should see in the brick's event log: brick
 * state changes judged by the leader, leadership won and lost, the heartbeat lost and regained.
 */
@FunctionalInterface
public interface ClusterEvents {
    ClusterEvents NONE = (type, warning, subject, message) -> { };

    /**
     * @param type    e.g. {@code brick.unreachable}, {@code cluster.leader}
     * @param warning whether the operator should act (else informational)
     */
    void event(String type, boolean warning, String subject, String message);
}
