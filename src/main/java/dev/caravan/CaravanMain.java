package dev.caravan;

import org.apache.camel.main.Main;

/** Starts Caravan: Camel Main with the built-in routes, the user's route files and {@link CaravanConfiguration}. */
public final class CaravanMain {

    private CaravanMain() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(CaravanConfiguration.class);
        main.run(args);
    }
}
