import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Neo4j Community with its Bolt connector on a loopback port, for lianfang's tests and
 * benchmarks on machines without Docker. Run by scripts/neo4j-server.sh as a single-file
 * program: java -cp CLASSPATH Launcher.java HOME PORT PASSWORD.
 *
 * <p>Authentication is on, as in production: the neo4j user's password is set to the one
 * given. The file HOME/ready appears once Bolt answers; the process then runs until it
 * is stopped, and shuts the database down cleanly on SIGTERM.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher HOME PORT PASSWORD");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = args[2];
        Files.deleteIfExists(home.resolve("ready"));
        DatabaseManagementService service =
                new DatabaseManagementServiceBuilder(home)
                        .setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                        .setConfig(HttpConnector.enabled, false)
                        .setConfig(GraphDatabaseSettings.auth_enabled, true)
                        .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                        // An import is one transaction (all or nothing): let it use the
                        // heap, not the default 70% cap, which a province's import passes.
                        .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, 0L)
                        .build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown));
        setPassword(service, password);
        Files.writeString(home.resolve("ready"), "bolt://127.0.0.1:" + port + "\n");
        System.out.println("Neo4j ready on bolt://127.0.0.1:" + port);
        Thread.currentThread().join();
    }

    /** The neo4j user's password, with no change required at first login. */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database("system")
                    .executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", password));
        } catch (RuntimeException sameAsBefore) {
            // A restarted home keeps the password it was given; Neo4j refuses to set the
            // same one again, which is no reason to stop.
            System.err.println("password unchanged: " + sameAsBefore.getMessage());
        }
    }
}
