package io.basalt.engine.services;

class Lz4CompressorTest extends BlockCompressorContract {
    @Override
    BlockCompressor create() {
        return new Lz4Compressor();
    }
}
