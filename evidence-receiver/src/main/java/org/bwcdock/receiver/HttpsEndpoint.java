package org.bwcdock.receiver;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTPS listener: Jetty 12 core, client certificates required. Jetty does the TLS handshake
 * and reads headers without a thread per connection, so connections that stall take no thread
 * from the docks that send; the JDK's HttpsServer handshakes on a worker thread with no deadline
 * (measured: docs/evidence-upload.md, "Deadlines and limits"). Deadlines, all from
 * {@link ReceiverLimits}: {@code headerDeadline} from connect to complete headers of the first
 * request, {@code idleTimeout} for any silence, {@code minBodyRate} for a body ({@link RateFloor}).
 */
final class HttpsEndpoint implements AutoCloseable {
    /** Handles one exchange on a request thread; it may block, and must answer or throw. */
    interface Handler {
        void handle(Exchange x) throws Exception;
    }

    private final Server server;
    private final ServerConnector connector;
    private final int port;
    /** Connections whose first request has not yet reached a handler: closed at the header deadline. */
    private final Set<Connection> awaitingFirstRequest = ConcurrentHashMap.newKeySet();

    HttpsEndpoint(InetSocketAddress bind, SSLContext tls, ReceiverLimits limits, Handler handler) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), 4);
        threads.setName("receiver-http");
        server = new Server(threads);
        Scheduler scheduler = new ScheduledExecutorScheduler("receiver-timer", false);
        server.addBean(scheduler);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setNeedClientAuth(true); // no certificate, no service
        ssl.setEndpointIdentificationAlgorithm(null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        http.addCustomizer(new SecureRequestCustomizer(false)); // the client certificate, on the request; no SNI host check
        connector = new ServerConnector(server, threads, scheduler, null, 1, 1,
                new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(bind.getHostString());
        connector.setPort(bind.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        long deadline = limits.headerDeadline().toMillis();
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection c) {
                if (!(c instanceof SslConnection)) { // the HTTP connection inside TLS: it sees requests
                    awaitingFirstRequest.add(c);
                    scheduler.schedule(() -> {
                        if (awaitingFirstRequest.remove(c)) {
                            c.getEndPoint().close(new TimeoutException("no complete request within header-deadline " + limits.headerDeadline()));
                        }
                    }, deadline, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onClosed(Connection c) {
                awaitingFirstRequest.remove(c);
            }
        });
        server.addConnector(connector);
        server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                  org.eclipse.jetty.util.Callback callback) {
                awaitingFirstRequest.remove(request.getConnectionMetaData().getConnection());
                Exchange x = new Exchange(request, response, callback, limits.minBodyRate());
                Throwable error = null;
                try {
                    handler.handle(x);
                } catch (Exception | Error e) {
                    error = e;
                }
                x.finish(error);
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    /** The port it listens on, or listened on once closed (callers name it in messages after a stop). */
    int port() {
        return port;
    }

    /** Connections open now (for tests: every stalled connection is closed by its deadline). */
    int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
