package dev.caravan.ops.hawtio;

import java.security.Principal;

/** The role principal Hawtio checks after a login ({@code hawtio.rolePrincipalClasses}). */
public record HawtioRole(String name) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
