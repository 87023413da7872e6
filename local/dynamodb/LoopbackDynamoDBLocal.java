import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.InputStream;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts DynamoDB Local bound to 127.0.0.1 only. Its own CLI has no host option and binds every
 * interface, which the hub must never do (the data is about children). We build the server exactly as
 * the CLI would, then pin every Jetty connector to the loopback address before it starts.
 *
 * It also exits as soon as its stdin closes: the hub keeps a pipe open to it, so if the hub dies
 * (even by SIGKILL) this process does not outlive it.
 *
 * Run as a single-file source program (java -cp "DynamoDBLocal.jar:DynamoDBLocal_lib/*" LoopbackDynamoDBLocal.java
 * ARGS) or compiled; ARGS are DynamoDB Local's own, and "-port 0" means any free port.
 */
public class LoopbackDynamoDBLocal {
  private static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    // DynamoDB Local refuses "-port 0"; we accept it, parse with a placeholder and let the kernel pick
    // a free port on the connector instead, so that parallel hubs never race for the same port.
    boolean anyPort = false;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-port") && args[i + 1].equals("0")) {
        args[i + 1] = "8000";
        anyPort = true;
      }
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server jetty = (Server) serverField.get(proxy);
    ServerConnector pinned = null;
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector) {
        pinned = (ServerConnector) connector;
        pinned.setHost(LOOPBACK);
        if (anyPort) pinned.setPort(0);
      }
    }
    if (pinned == null) {
      // Refuse to start rather than fall back to binding every interface.
      System.err.println("LoopbackDynamoDBLocal: no ServerConnector found; refusing to start");
      System.exit(2);
    }
    exitWhenStdinCloses();
    proxy.start();
    // The hub waits for exactly this line to learn the port.
    System.out.println("LoopbackDynamoDBLocal: listening on " + LOOPBACK + ":" + pinned.getLocalPort());
    System.out.flush();
  }

  private static void exitWhenStdinCloses() {
    Thread watchdog = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buffer = new byte[64];
        while (in.read(buffer) >= 0) {
          // The hub never writes; anything read is ignored.
        }
      } catch (Exception ignored) {
        // A broken pipe means the same as end of input.
      }
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
