package dev.enricher.simulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Ends a request abruptly, without an answer. Over HTTP/1.1 the connection goes: with the Netty channel at hand (Vert.x
 * internals, so guarded) it sets {@code SO_LINGER 0} first, which makes the kernel send RST instead of FIN: the client
 * sees "connection reset by peer", as with a crashed backend. Without it, a plain close. Over HTTP/2 only the request's
 * stream goes (RST_STREAM), as when one backend behind a front end dies: the other requests on the connection carry on,
 * so a fault drawn for one request still fails one request.
 */
final class ConnectionReset {
    /** RST_STREAM code of a reset fault: INTERNAL_ERROR. */
    private static final long INTERNAL_ERROR = 0x2;
    /** RST_STREAM code of a held request given up: CANCEL. */
    private static final long CANCEL = 0x8;

    private ConnectionReset() {
    }

    /** The reset fault: RST of the connection (HTTP/1.1) or of the stream (HTTP/2). */
    static void reset(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            request.response().reset(INTERNAL_ERROR);
        } else {
            reset(request.connection());
        }
    }

    /** Gives up a request: closes its connection (HTTP/1.1) or cancels its stream (HTTP/2). */
    static void close(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            request.response().reset(CANCEL);
        } else {
            request.connection().close();
        }
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
