package io.basalt.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.api.ApiException;
import io.basalt.api.model.CreateVolumeRequest;
import io.basalt.units.Sizes;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.CreateRequest;
import io.basalt.control.HostList;
import io.basalt.control.placement.DomainRequirement;
import io.basalt.control.volume.ConfigException;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeException;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The edge between the API and the volume layer: request fields parsed into the volume layer's
 * types, and the volume layer's refusals turned into {@link ApiException}s with HTTP semantics.
 */
public final class ApiRequests {
    private ApiRequests() {
    }

    /** A create as the volume layer takes it; refused when name or size is missing. */
    static CreateRequest createRequest(CreateVolumeRequest r) {
        if (r.name() == null) {
            throw ApiException.invalid("name is required");
        }
        boolean clone = r.fromSnapshot() != null && !r.fromSnapshot().isEmpty();
        if (!clone && (r.size() == null || r.size().isNull())) {
            throw ApiException.invalid("size is required (bytes, or a string such as \"10GiB\")");
        }
        long size = r.size() == null || r.size().isNull() ? 0 : size(r.size());
        int blockSize = r.blockSize() == null ? 0 : r.blockSize();
        Backend backend = r.backend() == null ? null : call(() -> Backend.parse(r.backend()));
        HostList hosts = r.hosts() == null ? Hosts.none() : hosts(r.hosts());
        return new CreateRequest(r.name(), size, blockSize, backend, hosts, r.labels(), blankToNull(r.qosPolicy()),
                blankToNull(r.compression()), r.dedup(), encryption(r.encryption()), clone ? r.fromSnapshot() : null,
                Boolean.TRUE.equals(r.readOnly()));
    }

    /** The request's allowed and preferred failure-domain sets; each set must name at least one label. */
    static DomainRequirement domains(CreateVolumeRequest r) {
        return new DomainRequirement(domainSets("allowedDomains", r.allowedDomains()),
                domainSets("preferredDomains", r.preferredDomains()));
    }

    private static List<Map<String, String>> domainSets(String field, List<Map<String, String>> sets) {
        if (sets == null) {
            return List.of();
        }
        for (int i = 0; i < sets.size(); i++) {
            Map<String, String> set = sets.get(i);
            if (set == null || set.isEmpty()) {
                throw ApiException.invalid(field + "[" + i + "] names no label; give each set at least one, "
                        + "e.g. {\"rack\": \"r1\"}");
            }
            for (Map.Entry<String, String> e : set.entrySet()) {
                if (e.getKey().isBlank() || e.getValue() == null || e.getValue().isBlank()) {
                    throw ApiException.invalid(field + "[" + i + "] has a blank label or value: " + set);
                }
            }
        }
        return sets;
    }

    static long size(JsonNode node) {
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw ApiException.invalid("size is too large");
            }
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Sizes.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
        throw ApiException.invalid("size must be a number of bytes or a string such as \"10GiB\"");
    }

    static HostList hosts(List<String> hosts) {
        if (hosts.isEmpty()) {
            return Hosts.none();
        }
        if (hosts.stream().anyMatch(Objects::isNull)) {
            throw ApiException.invalid("hosts must not contain null");
        }
        return call(() -> Hosts.parse(hosts));
    }

    static long zero(Long v) {
        return v == null ? 0 : v;
    }

    /** {@code aes-xts} / {@code off}; null: the default (off). */
    static Boolean encryption(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return switch (s) {
            case "aes-xts" -> true;
            case "off", "none" -> false;
            default -> throw ApiException.invalid("encryption must be aes-xts or off, not '" + s + "'");
        };
    }

    static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Something that may refuse. */
    public interface Action<T> {
        T run() throws VolumeException;
    }

    public static <T> T call(Action<T> a) {
        try {
            return a.run();
        } catch (VolumeException e) {
            throw switch (e.kind()) {
                case INVALID -> ApiException.invalid(e.getMessage());
                case NOT_FOUND -> ApiException.notFound(e.getMessage());
                case CONFLICT -> ApiException.conflict(e.getMessage());
                case UNPLACEABLE -> ApiException.placementImpossible(e.getMessage());
                case UNSUPPORTED -> ApiException.unsupported(e.getMessage());
                case INTERNAL -> ApiException.internal(e.getMessage());
                case UNAVAILABLE -> ApiException.unavailable(e.getMessage());
            };
        } catch (ConfigException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }
}
