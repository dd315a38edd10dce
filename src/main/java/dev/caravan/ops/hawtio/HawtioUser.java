package dev.caravan.ops.hawtio;

import java.security.Principal;

/** The user principal of a console login. */
public record HawtioUser(String name) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
