package dev.enricher.simulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Closes a connection abruptly. With the Netty channel at hand (Vert.x internals, so guarded) it sets
 * {@code SO_LINGER 0} first, which makes the kernel send RST instead of FIN: the client sees
 * "connection reset by peer", as with a crashed backend. Without it, a plain close.
 */
final class ConnectionReset {
    private ConnectionReset() {
    }

    static void reset(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            try {
                Channel ch = base.channel();
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                ch.close();
                return;
            } catch (RuntimeException | LinkageError internalsChanged) {
                // fall through to the public API
            }
        }
        connection.close();
    }
}
