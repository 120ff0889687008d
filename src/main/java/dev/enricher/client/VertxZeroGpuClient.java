package dev.enricher.client;

final class VertxZeroGpuClient {
    static ZeroGpuClient create(ClientConfig config) {
        throw new UnsupportedOperationException("client under construction");
    }
}
