package io.basalt.volume.chain;

import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.volume.VolumeIdentity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreChainTest {
    private static final VolumeIdentity VOLUME = new VolumeIdentity(1, "db", UUID.nameUUIDFromBytes(new byte[] {1}));

    private final List<String> calls = new ArrayList<>();
    private final BlockStore local = new MemoryBlockStore(1 << 20, 512);

    /** A store over another that only names itself, to see the order of the chain. */
    private record Wrapped(String layer, BlockStore below) implements BlockStore {
        @Override
        public long capacityBytes() {
            return below.capacityBytes();
        }

        @Override
        public int blockSize() {
            return below.blockSize();
        }

        @Override
        public boolean volatileWriteCache() {
            return below.volatileWriteCache();
        }

        @Override
        public void submit(BlockIo io) {
            below.submit(io);
        }

        @Override
        public long allocatedBytes() {
            return below.allocatedBytes();
        }

        @Override
        public void close() {
        }
    }

    private StoreLayer layer(String name) {
        return new StoreLayer() {
            @Override
            public BlockStore wrap(VolumeIdentity volume, BlockStore below) {
                calls.add("wrap " + name + " " + volume.name());
                return new Wrapped(name, below);
            }

            @Override
            public void release(VolumeIdentity volume) {
                calls.add("release " + name + " " + volume.name());
            }
        };
    }

    private StoreLayer failingLayer(String name, String when) {
        StoreLayer inner = layer(name);
        return new StoreLayer() {
            @Override
            public BlockStore wrap(VolumeIdentity volume, BlockStore below) {
                if (when.equals("wrap")) {
                    calls.add("fail wrap " + name);
                    throw new IllegalStateException(name + " cannot wrap");
                }
                return inner.wrap(volume, below);
            }

            @Override
            public void release(VolumeIdentity volume) {
                inner.release(volume);
                if (when.equals("release")) {
                    throw new IllegalStateException(name + " cannot release");
                }
            }
        };
    }

    @Test
    void shouldExportTheLocalStoreItselfWithoutLayers() {
        assertThat(StoreChain.NONE.build(VOLUME, local)).isSameAs(local);
        StoreChain.NONE.release(VOLUME);
    }

    @Test
    void shouldWrapTheFirstLayerDirectlyOverTheLocalStoreAndExportTheLast() {
        StoreChain chain = StoreChain.of(layer("replication"), layer("cache"));

        BlockStore top = chain.build(VOLUME, local);

        assertThat(calls).containsExactly("wrap replication db", "wrap cache db");
        Wrapped cache = (Wrapped) top;
        assertThat(cache.layer()).isEqualTo("cache");
        Wrapped replication = (Wrapped) cache.below();
        assertThat(replication.layer()).isEqualTo("replication");
        assertThat(replication.below()).isSameAs(local);
    }

    @Test
    void shouldReleaseTheLayersTopFirst() {
        StoreChain chain = StoreChain.of(layer("a"), layer("b"), layer("c"));
        chain.build(VOLUME, local);
        calls.clear();

        chain.release(VOLUME);

        assertThat(calls).containsExactly("release c db", "release b db", "release a db");
    }

    @Test
    void shouldReleaseTheLayersAlreadyBuiltWhenALayerFails() {
        StoreChain chain = StoreChain.of(layer("a"), layer("b"), failingLayer("c", "wrap"), layer("d"));

        assertThatThrownBy(() -> chain.build(VOLUME, local)).hasMessage("c cannot wrap");

        assertThat(calls).containsExactly("wrap a db", "wrap b db", "fail wrap c", "release b db", "release a db");
    }

    @Test
    void shouldReleaseEveryLayerEvenWhenOneFailsAndThrowTheFirstFailure() {
        StoreChain chain = StoreChain.of(failingLayer("a", "release"), failingLayer("b", "release"), layer("c"));
        chain.build(VOLUME, local);
        calls.clear();

        assertThatThrownBy(() -> chain.release(VOLUME))
                .hasMessage("b cannot release")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("a cannot release"));
        assertThat(calls).containsExactly("release c db", "release b db", "release a db");
    }

    @Test
    void shouldNotLetTheCallerChangeTheLayersAfterwards() {
        List<StoreLayer> layers = new ArrayList<>(List.of(layer("a")));
        StoreChain chain = new StoreChain(layers);
        layers.add(layer("b"));

        chain.build(VOLUME, local);

        assertThat(calls).containsExactly("wrap a db");
    }
}
