package dev.caravan.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of the jar: {@code java -jar caravan.jar keys create --tenant acme --budget 50/month},
 * {@code keys list|get|update|revoke}, {@code spend --by tenant --since 7d}, and offline
 * {@code replay --ledger 2026-11 --routes candidate.camel.yaml} (reads the ledger database itself). The others call
 * the admin API
 * ({@code --url}, default {@code $CARAVAN_ADMIN_URL} or http://127.0.0.1:8081) with the admin key
 * ({@code --admin-key}, default {@code $CARAVAN_ADMIN_KEY}) and prints tables ({@code --json} for the raw JSON).
 */
@Command(name = "caravan", mixinStandardHelpOptions = true, subcommands = {KeysCommands.class, SpendCommand.class,
        ReplayCommand.class},
        description = "Caravan gateway. Without a command, starts the gateway; with one, manages it through the "
                + "admin API.")
public final class CaravanCli implements Runnable {

    /** First arguments that are CLI commands rather than gateway options. */
    static final Set<String> VERBS = Set.of("keys", "spend", "replay", "help", "--help", "-h", "--version", "-V");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static boolean handles(String[] args) {
        return args.length > 0 && VERBS.contains(args[0]);
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs a command; returns the exit code (0 ok, 1 the admin API refused or failed, 2 bad usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cl = new CommandLine(new CaravanCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setDefaultValueProvider(arg -> {
            if (arg instanceof CommandLine.Model.OptionSpec o) {
                if (o.longestName().equals("--url")) {
                    return env.getOrDefault("CARAVAN_ADMIN_URL", "http://127.0.0.1:8081");
                }
                if (o.longestName().equals("--admin-key")) {
                    return env.get("CARAVAN_ADMIN_KEY");
                }
            }
            return null;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof AdminClient.Failure || e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw e;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every command takes. */
    static final class Connection {
        @CommandLine.Option(names = "--url", description = "Admin API base URL (default: $CARAVAN_ADMIN_URL or "
                + "http://127.0.0.1:8081).")
        String url;

        @CommandLine.Option(names = "--admin-key", description = "Admin key (default: $CARAVAN_ADMIN_KEY).")
        String adminKey;

        @CommandLine.Option(names = "--json", description = "Print the admin API's JSON instead of a table.")
        boolean json;

        AdminClient client() {
            return new AdminClient(url, adminKey);
        }
    }
}
