package dev.caravan.auth;

import java.util.Optional;

/** Turns the bearer token of a request into a {@link Principal}, or nothing when the token is not a valid key. */
public interface Authenticator {

    Optional<Principal> authenticate(String token);

    /** True when no key at all is configured (the 401 then says how to add one). */
    boolean isEmpty();
}
