// Small launcher for an embedded Neo4j Community server with the Bolt connector.
// Usage: java <jvm flags> -cp '<lib>/*' InvgraphNeo4j <home-dir> <port> <config.properties>
// Prints "INVGRAPH-NEO4J-READY <version> bolt://127.0.0.1:<port>" once the default database is
// available, then blocks. SIGTERM runs the shutdown hook, which shuts the store down cleanly.
import java.nio.file.Path;
import java.time.Duration;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.Version;

public final class InvgraphNeo4j {
    private InvgraphNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: InvgraphNeo4j <home-dir> <port> <config.properties>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        // Loopback only, always: the embedded instance is a local developer/test store.
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(Path.of(args[2]))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("INVGRAPH-NEO4J-STOPPING");
            dbms.shutdown();
            System.out.println("INVGRAPH-NEO4J-STOPPED");
        }));
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(5).toMillis())) {
            System.err.println("INVGRAPH-NEO4J-FAILED database did not become available");
            System.exit(1);
        }
        System.out.println("INVGRAPH-NEO4J-READY " + Version.getNeo4jVersion() + " bolt://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
