package dev.caravan.auth;

import java.util.List;
import java.util.Optional;

/** Asks each authenticator in turn (keys from configuration first, then virtual keys); the first answer wins. */
public final class CompositeAuthenticator implements Authenticator {

    private final List<Authenticator> authenticators;

    public CompositeAuthenticator(List<Authenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        for (Authenticator a : authenticators) {
            Optional<Principal> p = a.authenticate(token);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean isEmpty() {
        return authenticators.stream().allMatch(Authenticator::isEmpty);
    }
}
