package io.basalt.control.volume;

import io.basalt.control.HostList;

import java.util.Map;

/**
 * What a create asks for. Null labels mean none; null qosPolicy means unlimited; null data
 * service parts mean the backend's defaults ({@link DataServices#of}).
 */
public record CreateRequest(String name, long sizeBytes, int blockSize, Backend backend, HostList hosts,
                            Map<String, String> labels, String qosPolicy, String compression, Boolean dedup,
                            Boolean encryption, String fromSnapshot, boolean readOnly) {
    /** With the backend's default data services. */
    public CreateRequest(String name, long sizeBytes, int blockSize, Backend backend, HostList hosts,
                         Map<String, String> labels, String qosPolicy) {
        this(name, sizeBytes, blockSize, backend, hosts, labels, qosPolicy, null, null, null, null, false);
    }

    /** A new volume, not a clone. */
    public CreateRequest(String name, long sizeBytes, int blockSize, Backend backend, HostList hosts,
                         Map<String, String> labels, String qosPolicy, String compression, Boolean dedup,
                         Boolean encryption) {
        this(name, sizeBytes, blockSize, backend, hosts, labels, qosPolicy, compression, dedup, encryption, null,
                false);
    }
}
