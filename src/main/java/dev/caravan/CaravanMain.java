package dev.caravan;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

import dev.caravan.cli.CaravanCli;
import dev.caravan.support.JarDirectoryResourceResolver;

/**
 * Starts Caravan: Camel Main with the built-in routes, the user's route files and {@link CaravanConfiguration}.
 * When the first argument is a command ({@code keys}, {@code spend}) it runs the CLI instead.
 */
public final class CaravanMain {

    private CaravanMain() {
    }

    public static void main(String[] args) throws Exception {
        if (CaravanCli.handles(args)) {
            // keys / spend commands: a client of the admin API, the gateway is not started
            System.exit(CaravanCli.run(args, new java.io.PrintWriter(System.out, true),
                    new java.io.PrintWriter(System.err, true), System.getenv()));
        }
        Main main = new Main();
        main.configure().addConfiguration(CaravanConfiguration.class);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // before the route patterns are scanned: list the jar's entries from its central directory
                JarDirectoryResourceResolver.install(m.getCamelContext());
            }
        });
        main.run(args);
    }
}
