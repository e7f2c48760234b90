/**
 * A volume's store chain: {@link io.basalt.volume.chain.StoreLayer}s composed over the local store
 * when the volume is exported (replication is one), released top first when it is not.
 */
package io.basalt.volume.chain;
